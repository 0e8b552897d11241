import { defineScenario } from 'gomod-chaos';

/**
 * The client's nameserver is a real unbound caching for the office, in front of a slow upstream
 * DNS (every answer 400 ms late). Cold (unbound restarted before each trial): every name waits
 * for the upstream; warm (cache kept): answered from unbound's cache, no upstream query at all.
 */
export default defineScenario({
  name: 'real-unbound-office-resolver',
  description: 'A real unbound caching resolver in front of a slow upstream DNS (+400 ms). Cold: slow; warm: answered from the cache.',
  corpus: { modules: 4 },
  faults: [{ kind: 'dns-delay', match: '*', delay: '400ms' }],
  components: [
    {
      name: 'unbound',
      host: 'dns.corp.example',
      role: 'resolver',
      command: ['unbound', '-d', '-c', '{{config}}'],
      config: './unbound-office-resolver.conf',
      ready: { dns: 'ready.corp.example' },
    },
  ],
  phases: [{ name: 'cold', reset: 'each-trial' }, { name: 'warm' }],
  reps: 3,
  timeout: '60s',
});
