import { defineScenario } from 'gomod-chaos';

/**
 * The corporate proxy is a real squid that peeks at the SNI inside each CONNECT tunnel
 * (`ssl_bump peek` + an `ssl::server_name` ACL): tunnels to the Go project's hosts are
 * terminated, the rest spliced. The CONNECT itself succeeds (200); the connection is then closed
 * during the TLS handshake. A domestic mirror (another SNI) is spliced and works.
 */
export default defineScenario({
  name: 'real-squid-sni-filter',
  description: "A real squid terminates CONNECT tunnels whose SNI is a Go project host (ssl_bump peek/terminate). Baseline: fails in the TLS handshake; a mirror works.",
  corpus: { modules: 4 },
  mirrors: ['goproxy.example'],
  components: [
    {
      name: 'squid',
      host: 'proxy.corp.example',
      role: 'connect-proxy',
      command: ['squid', '-N', '-f', '{{config}}'],
      config: './squid-sni-filter.conf',
      ready: { tcp: 3128 },
    },
  ],
  mitigations: [{ name: 'mirror-list', mirrors: ['goproxy.example'], keepDefault: false }],
  reps: 2,
  timeout: '60s',
});
