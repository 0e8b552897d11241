import { defineScenario } from 'gomod-chaos';

/**
 * The harness's own SNI firewall closing TLS to the Go project's hosts right after the
 * ClientHello (sni-close): the reference that haproxy-sni-gateway.ts and squid-sni-filter.ts
 * (real programs with the same policy) are cross-checked against.
 */
export default defineScenario({
  name: 'ours-sni-close',
  description: "The harness's own SNI firewall closes TLS to the Go project's hosts after the ClientHello. Baseline: tcp-eof; a mirror gets through.",
  corpus: { modules: 4 },
  mirrors: ['goproxy.example'],
  faults: [
    { kind: 'sni-close', match: '$goproxy' },
    { kind: 'sni-close', match: '$gosumdb' },
  ],
  mitigations: [{ name: 'mirror-list', mirrors: ['goproxy.example'], keepDefault: false }],
  reps: 2,
  timeout: '60s',
});
