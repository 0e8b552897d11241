import { defineScenario } from 'gomod-chaos';

/**
 * The corporate proxy is a real squid bumping (decrypting) every tunnel with certificates it
 * forges, signed by the corporate inspection CA (`ssl_bump bump`). Expected on baseline:
 * tls-untrusted; trusting the inspection CA (corp-ca-trust) works, through squid over HTTP/1.1.
 */
export default defineScenario({
  name: 'real-squid-tls-inspection',
  description: 'A real squid re-signs every certificate with the corporate inspection CA (ssl_bump bump). Baseline: tls-untrusted; trusting that CA works.',
  corpus: { modules: 4 },
  components: [
    {
      name: 'squid',
      host: 'proxy.corp.example',
      role: 'connect-proxy',
      // the certificate database must exist before squid starts; squid's helpers run as its user
      command: ['sh', '-c', '/usr/lib/squid/security_file_certgen -c -s {{dir}}/ssl_db -M 4MB >/dev/null && chown -R proxy {{dir}}/ssl_db && exec squid -N -f {{config}}'],
      config: './squid-tls-inspection.conf',
      ready: { tcp: 3128 },
    },
  ],
  mitigations: ['corp-ca-trust'],
  reps: 2,
  timeout: '60s',
});
