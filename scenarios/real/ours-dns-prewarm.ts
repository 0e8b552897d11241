import { defineScenario } from 'gomod-chaos';

/**
 * The harness's own caching resolver warmed before go starts (dns-prewarm) under the same slow
 * upstream DNS as dnsmasq-local-cache.ts and unbound-office-resolver.ts (+400 ms per answer):
 * the reference the real caches are measured beside.
 */
export default defineScenario({
  name: 'ours-dns-prewarm',
  description: "The harness's own caching resolver, warmed before go, in front of a slow upstream DNS (+400 ms). Baseline: no cache, slow.",
  corpus: { modules: 4 },
  faults: [{ kind: 'dns-delay', match: '*', delay: '400ms' }],
  mitigations: ['dns-prewarm'],
  reps: 3,
  timeout: '60s',
});
