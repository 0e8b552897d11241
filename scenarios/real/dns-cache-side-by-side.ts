import { defineScenario } from 'gomod-chaos';

/**
 * The field's "DNS prewarm" and "custom DNS fix", measured with a real dnsmasq beside the
 * harness's own caching resolver, under one slow upstream DNS (+400 ms per answer). Cells:
 * no cache (baseline); ours warmed before go (dns-prewarm); dnsmasq as the articles configure it
 * (dnsmasq-local-cache.conf: server=, a cache, address=/<internal host>/) with an empty cache;
 * and the same dnsmasq after a warm-up script resolved every host through it. dnsmasq starts
 * fresh before every trial (no phases), so each cell measures one build from an empty cache.
 * The evidence report judges the two dnsmasq claims from this run (src/evidence/claims.ts).
 */
export default defineScenario({
  name: 'real-dns-cache-side-by-side',
  description: "Slow upstream DNS (+400 ms): no cache, our warmed resolver, a real dnsmasq cold, the same dnsmasq after a warm-up script.",
  corpus: { modules: 4 },
  faults: [{ kind: 'dns-delay', match: '*', delay: '400ms' }],
  components: [
    {
      name: 'dnsmasq',
      host: 'dns.corp.example',
      role: 'resolver',
      command: ['dnsmasq', '--conf-file={{config}}'],
      config: './dnsmasq-local-cache.conf',
      ready: { dns: 'artifactory.corp.example' },
    },
  ],
  mitigations: ['dns-prewarm', { name: 'component', component: 'dnsmasq' }, { name: 'component', component: 'dnsmasq', warmUp: true }],
  // whoever asks the upstream first waits 400 ms; how much faster the warmed caches are is the report's verdict
  expect: {
    baseline: { outcome: 'ok', medianMs: '>400' },
    'component(dnsmasq)': { outcome: 'ok', medianMs: '>400' },
    'component(dnsmasq,warm-up)': { outcome: 'ok' },
    'dns-prewarm': { outcome: 'ok' },
  },
  reps: 6,
  timeout: '60s',
});
