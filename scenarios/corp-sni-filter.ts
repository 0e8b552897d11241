import { defineScenario } from 'gomod-chaos';

/**
 * A corporate gateway resets TLS connections whose SNI names the Go project's hosts. Expected on
 * baseline: tcp-reset right after the ClientHello. A domestic mirror (another SNI) gets through;
 * disabling HTTP/2 or the checksum database does not help with the proxy itself.
 */
export default defineScenario({
  name: 'corp-sni-filter',
  description: "An SNI filter resets TLS to the Go project's hosts. Baseline: tcp-reset after the ClientHello.",
  mirrors: ['goproxy.example'],
  faults: [
    { kind: 'sni-reset', match: '$goproxy' },
    { kind: 'sni-reset', match: '$gosumdb' },
  ],
  mitigations: ['mirror-list', 'http2-off', 'sumdb-off'],
  reps: 8,
  timeout: '60s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'fail', failureClass: 'tcp-reset' },
    'http2-off': { outcome: 'fail', failureClass: 'tcp-reset' },
    'mirror-list': { outcome: 'ok' },
    'sumdb-off': { outcome: 'fail', failureClass: 'tcp-reset' },
  },
});
