import { defineScenario } from 'gomod-chaos';

/**
 * Trap 5: a corporate resolver filters the Go project's hosts (NXDOMAIN for the module proxy and
 * the checksum database). Expected on baseline: dns-nxdomain at once. A mirror the resolver does
 * not filter helps.
 */
export default defineScenario({
  name: 'filtering-resolver',
  description: "The corporate resolver answers NXDOMAIN for the Go project's hosts. Baseline: dns-nxdomain.",
  mirrors: ['goproxy.example'],
  faults: [
    { kind: 'dns-nxdomain', match: '$goproxy' },
    { kind: 'dns-nxdomain', match: '$gosumdb' },
  ],
  mitigations: ['mirror-list', 'dns-prewarm'],
  reps: 8,
  timeout: '60s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'fail', failureClass: 'dns-nxdomain' },
    'dns-prewarm': { outcome: 'fail', failureClass: 'dns-nxdomain' },
    'mirror-list': { outcome: 'ok' },
  },
});
