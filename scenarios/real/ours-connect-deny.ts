import { defineScenario } from 'gomod-chaos';

/**
 * The harness's own CONNECT proxy denying the Go project's hosts: the reference that
 * squid-connect-deny.ts (a real squid with the same policy) is cross-checked against.
 */
export default defineScenario({
  name: 'ours-connect-deny',
  description: "The harness's own corporate proxy denies CONNECT to the Go project's hosts. Baseline: proxy-denied; a mirror gets through.",
  corpus: { modules: 4 },
  mirrors: ['goproxy.example'],
  corporateProxy: { mandatory: true },
  faults: [
    { kind: 'proxy-deny', match: '$goproxy' },
    { kind: 'proxy-deny', match: '$gosumdb' },
  ],
  mitigations: [{ name: 'mirror-list', mirrors: ['goproxy.example'], keepDefault: false }],
  reps: 2,
  timeout: '60s',
});
