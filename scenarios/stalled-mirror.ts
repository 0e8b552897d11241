import { defineScenario } from 'gomod-chaos';

/**
 * A mirror that stalls mid-body during the first 8 s of a trial. cmd/go has no HTTP timeout,
 * so it hangs until the harness deadline. Field advice GO_PROXY_TIMEOUT does nothing (no such
 * variable); an RTT-adaptive retry wrapper kills and retries.
 */
export default defineScenario({
  name: 'stalled-mirror',
  description: 'The mirror stalls mid-zip during the first 8 s. Baseline: hangs until the deadline (go has no HTTP timeout).',
  faults: [{ kind: 'http-stall', match: '$goproxy', path: '*.zip', afterBytes: 1_000, until: '8s' }],
  mitigations: ['go-proxy-timeout', { name: 'retry-wrapper', attempts: 4, baseDeadline: '3s', normalRtt: '50ms' }],
  reps: 5,
  timeout: '16s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'timeout' },
    'go-proxy-timeout': { outcome: 'timeout' },
    'retry-wrapper': { outcome: 'ok' },
  },
});
