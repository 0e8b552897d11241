import { defineScenario } from 'gomod-chaos';

/** A throttled link (512 KB/s per connection). Expected on baseline: ok, bandwidth-bound. */
export default defineScenario({
  name: 'throttled-link',
  description: 'Each connection is limited to 512 KB/s. Baseline: ok, bandwidth-bound.',
  faults: [{ kind: 'tcp-bandwidth', match: '*', rateKBps: 512 }],
  mitigations: ['http2-off', { name: 'concurrency', gomaxprocs: 8 }],
  reps: 8,
  timeout: '120s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'ok', medianMs: '>1200' },
    'http2-off': { outcome: 'ok' },
    concurrency: { outcome: 'ok' },
  },
});
