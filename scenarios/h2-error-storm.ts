import { defineScenario } from 'gomod-chaos';

/**
 * HTTP/2 misbehaving at the mirror (golang/go#51323): 30 % of zip streams are reset with
 * INTERNAL_ERROR mid-body, and the server sends GOAWAY every 20 streams. net/http retries only
 * what the server never processed, so a reset mid-body reaches the user. Expected on baseline:
 * http2-stream-error failures; HTTP/1.1 avoids the h2-only faults.
 */
export default defineScenario({
  name: 'h2-error-storm',
  description: '30 % of h2 zip streams reset with INTERNAL_ERROR; GOAWAY every 20 streams. Baseline: http2-stream-error failures.',
  faults: [
    { kind: 'h2-rst-stream', match: '$goproxy', path: '*.zip', afterBytes: 2_000, probability: 0.3 },
    { kind: 'h2-goaway', match: '$goproxy', afterStreams: 20, code: 'NO_ERROR' },
  ],
  mitigations: ['http2-off', 'http1-gateway', { name: 'retry-wrapper', attempts: 3, baseDeadline: '20s' }],
  reps: 8,
  timeout: '60s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'fail', failureClass: 'http2-stream-error' },
    'http2-off': { outcome: 'ok' },
    'http1-gateway': { outcome: 'ok' },
  },
});
