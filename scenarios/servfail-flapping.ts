import { defineScenario } from 'gomod-chaos';

/**
 * A flapping resolver: 40 % of queries answer SERVFAIL (seeded). Go does not retry a failed
 * lookup, so a trial fails when one of its lookups draws a SERVFAIL. Expected on baseline: a
 * failure rate well above zero; a warm local cache or a retry wrapper lowers it.
 */
export default defineScenario({
  name: 'servfail-flapping',
  description: '40 % of DNS queries answer SERVFAIL. Baseline: a failure rate well above zero (dns-servfail).',
  faults: [{ kind: 'dns-flaky', match: '*', probability: 0.4, failure: 'servfail' }],
  mitigations: ['dns-prewarm', { name: 'retry-wrapper', attempts: 3, baseDeadline: '20s' }],
  reps: 8,
  timeout: '60s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'ok' },
    'dns-prewarm': { outcome: 'ok' },
    'retry-wrapper': { outcome: 'ok' },
  },
});
