import { defineScenario } from 'gomod-chaos';

/**
 * A middlebox that cannot handle HTTP/2 and resets connections offering h2 in ALPN. Expected on
 * baseline: tcp-reset; GODEBUG=http2client=0 (no h2 offered) or a local HTTP/1.1 gateway gets through.
 */
export default defineScenario({
  name: 'h2-breaking-middlebox',
  description: 'A middlebox resets TLS connections that offer h2. Baseline: tcp-reset; HTTP/1.1 gets through.',
  faults: [{ kind: 'tls-refuse-h2', match: '*' }],
  mitigations: ['http2-off', 'http1-gateway'],
  reps: 8,
  timeout: '60s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'fail', failureClass: 'tcp-reset' },
    'http2-off': { outcome: 'ok' },
    'http1-gateway': { outcome: 'ok' },
  },
});
