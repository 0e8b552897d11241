import { defineScenario } from 'gomod-chaos';

/**
 * The corporate proxy is a real squid whose ACL denies CONNECT to the Go project's hosts
 * (`http_access deny CONNECT go_hosts`). go reaches it through HTTPS_PROXY. Expected on baseline:
 * proxy-denied (squid answers 403 to the CONNECT); a domestic mirror squid lets through works.
 */
export default defineScenario({
  name: 'real-squid-connect-deny',
  description: "A real squid denies CONNECT to the Go project's hosts. Baseline: proxy-denied; a mirror gets through.",
  corpus: { modules: 4 },
  mirrors: ['goproxy.example'],
  components: [
    {
      name: 'squid',
      host: 'proxy.corp.example',
      role: 'connect-proxy',
      command: ['squid', '-N', '-f', '{{config}}'],
      config: './squid-connect-deny.conf',
      ready: { tcp: 3128 },
    },
  ],
  mitigations: [{ name: 'mirror-list', mirrors: ['goproxy.example'], keepDefault: false }],
  reps: 2,
  timeout: '60s',
});
