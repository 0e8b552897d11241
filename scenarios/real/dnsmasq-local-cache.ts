import { defineScenario } from 'gomod-chaos';

/**
 * dnsmasq as the field articles configure it in front of a slow upstream DNS (+400 ms per
 * answer). Cold (dnsmasq restarted before each trial, empty cache): every name waits for the
 * upstream; warm (cache kept from the trials before, what their warm-up script achieves): the
 * names come from dnsmasq's cache, no upstream query.
 */
export default defineScenario({
  name: 'real-dnsmasq-local-cache',
  description: 'A real dnsmasq cache in front of a slow upstream DNS (+400 ms). Cold: slow; warm: from the cache.',
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
  phases: [{ name: 'cold', reset: 'each-trial' }, { name: 'warm' }],
  reps: 3,
  timeout: '60s',
});
