import { defineScenario } from 'gomod-chaos';

/** A throttled link (512 KB/s per connection). Expected on baseline: ok, bandwidth-bound. */
export default defineScenario({
  name: 'throttled-link',
  description: 'Each connection is limited to 512 KB/s. Baseline: ok, bandwidth-bound.',
  faults: [{ kind: 'tcp-bandwidth', match: '*', rateKBps: 512 }],
  mitigations: ['http2-off', { name: 'concurrency', gomaxprocs: 8 }],
  reps: 8,
  timeout: '120s',
});
