import { defineScenario } from 'gomod-chaos';

/**
 * The checksum database answers slowly (300 ms before each response) while the module proxy is
 * fast. The field says GOPROXY and GOSUMDB are "two parallel channels whose timeouts stack". In
 * cmd/go each module's database check follows its own download, and modules run in parallel:
 * this measures how much of the database's delay reaches the total. Mitigations that skip the
 * database show the time without it.
 */
export default defineScenario({
  name: 'slow-checksum-db',
  description: 'Every checksum database response takes 300 ms more (the proxy is fast). Baseline: ok, slower by the database lookups.',
  corpus: { modules: 10, goSum: 'none' },
  faults: [
    { kind: 'http-slow-first-byte', match: '$goproxy', path: '/sumdb/*', delay: '300ms' },
    { kind: 'http-slow-first-byte', match: '$gosumdb', delay: '300ms' },
  ],
  mitigations: ['sumdb-off', 'gonosumdb'],
  reps: 8,
  timeout: '90s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'ok', medianMs: '>1500' },
    gonosumdb: { outcome: 'ok', medianMs: '<1500' },
    'sumdb-off': { outcome: 'ok', medianMs: '<1500' },
  },
});
