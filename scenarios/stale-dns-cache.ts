import { defineScenario } from 'gomod-chaos';

/**
 * Trap 3 again: a stale internal cache keeps answering the old address of the module proxy, not
 * authoritative, with a TTL that never counts down. Expected on baseline: tcp-refused.
 */
export default defineScenario({
  name: 'stale-dns-cache',
  description: 'A stale cache answers the old address (non-authoritative, TTL stuck). Baseline: tcp-refused.',
  mirrors: ['goproxy.example'],
  faults: [{ kind: 'dns-stale', match: '$goproxy', address: '127.0.9.9' }],
  mitigations: ['mirror-list'],
  reps: 8,
  timeout: '60s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'fail', failureClass: 'tcp-refused' },
    'mirror-list': { outcome: 'ok' },
  },
});
