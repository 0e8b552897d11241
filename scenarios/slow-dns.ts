import { defineScenario } from 'gomod-chaos';

/** A slow resolver (300 ms per answer, jittered). Expected on baseline: ok, slower by the lookups. */
export default defineScenario({
  name: 'slow-dns',
  description: 'Every DNS answer takes about 300 ms. Baseline: ok, slower by the lookups it makes.',
  faults: [{ kind: 'dns-delay', match: '*', delay: '300ms', jitter: '50ms' }],
  mitigations: ['dns-prewarm', 'netdns-cgo', 'netdns-go'],
  reps: 8,
  timeout: '60s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'ok', medianMs: '>300' },
    'dns-prewarm': { outcome: 'ok' },
    'netdns-cgo': { outcome: 'ok' },
    'netdns-go': { outcome: 'ok' },
  },
});
