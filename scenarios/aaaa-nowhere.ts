import { defineScenario } from 'gomod-chaos';

/**
 * The hosts have AAAA records but IPv6 goes nowhere (SYNs dropped), the broken-IPv6 network.
 * Go's dialer tries IPv6 first and falls back to IPv4 after 300 ms (happy eyeballs). Expected on
 * baseline: success, about 300 ms slower per connection; dropping AAAA answers avoids it.
 */
export default defineScenario({
  name: 'aaaa-nowhere',
  description: 'AAAA records exist but IPv6 is blackholed. Baseline: ok, ~300 ms more per connection (happy eyeballs).',
  faults: [{ kind: 'dns-aaaa-nowhere', match: '*' }],
  mitigations: ['ipv4-only', 'dns-prewarm'],
  reps: 8,
  timeout: '60s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'ok', medianMs: '>300' },
    'ipv4-only': { outcome: 'ok' },
    'dns-prewarm': { outcome: 'ok', medianMs: '>300' },
  },
});
