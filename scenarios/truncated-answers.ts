import { defineScenario } from 'gomod-chaos';

/**
 * Every UDP answer comes back truncated (TC bit). Go retries over TCP on the same server.
 * Expected on baseline: success with twice the queries; `use-vc` asks over TCP from the start.
 */
export default defineScenario({
  name: 'truncated-answers',
  description: 'UDP answers are truncated; go retries over TCP. Baseline: ok, twice the DNS queries.',
  faults: [{ kind: 'dns-truncate', match: '*' }],
  mitigations: [{ name: 'resolver-options', useVc: true }],
  reps: 8,
  timeout: '60s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'ok' },
    'resolver-options': { outcome: 'ok' },
  },
});
