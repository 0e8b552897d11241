import { defineScenario } from 'gomod-chaos';

/**
 * The network edge is a real haproxy routing TLS by SNI (`req.ssl_sni`) that rejects the Go
 * project's hosts: every public name resolves to it. Expected on baseline: the connection is
 * closed (FIN) right after the ClientHello: go says EOF (tcp-eof); a domestic mirror (another SNI) gets through.
 */
export default defineScenario({
  name: 'real-haproxy-sni-gateway',
  description: "A real haproxy rejects TLS by SNI for the Go project's hosts. Baseline: tcp-eof; a mirror gets through.",
  corpus: { modules: 4 },
  mirrors: ['goproxy.example'],
  components: [
    {
      name: 'haproxy',
      host: 'gateway.corp.example',
      role: 'sni-gateway',
      command: ['haproxy', '-db', '-f', '{{config}}'],
      config: './haproxy-sni-gateway.cfg',
      ready: { tcp: 443 },
    },
  ],
  mitigations: [{ name: 'mirror-list', mirrors: ['goproxy.example'], keepDefault: false }],
  reps: 2,
  timeout: '60s',
});
