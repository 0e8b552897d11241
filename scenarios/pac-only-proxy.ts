import { defineScenario } from 'gomod-chaos';

/**
 * Trap 4: the corporate proxy is announced only by a PAC file, direct egress is blocked. Go never
 * reads PAC (golang/go#21943), so it connects directly and is reset. Expected on baseline:
 * tcp-reset, the proxy never sees a CONNECT. Setting HTTPS_PROXY by hand fixes it.
 */
export default defineScenario({
  name: 'pac-only-proxy',
  description: 'A mandatory corporate proxy announced only by a PAC file. Baseline: tcp-reset, no CONNECT (go never reads PAC).',
  corporateProxy: { mandatory: true, clientUsesProxy: false },
  mitigations: ['proxy-env'],
  reps: 8,
  timeout: '60s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'fail', failureClass: 'tcp-reset' },
    'proxy-env': { outcome: 'ok' },
  },
});
