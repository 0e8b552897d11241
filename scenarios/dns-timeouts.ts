import { defineScenario } from 'gomod-chaos';

/**
 * The nameserver never answers for the module proxy. With resolv.conf's defaults the pure-Go
 * resolver tries each name `attempts` (2) times with a `timeout` (5 s) each, asking A and AAAA in
 * parallel: about 10 s per lookup, four queries. The field says "3 tries of 1 s"; this measures it.
 * `options timeout:1 attempts:2` should bring a lookup's failure down to about 2 s.
 */
export default defineScenario({
  name: 'dns-timeouts',
  description: 'The resolver never answers for the module proxy (default resolv.conf). Baseline: dns-timeout after attempts x timeout per lookup.',
  corpus: { modules: 1, depth: 1, fanout: 0, maxVersions: 1, zipSizeKB: { median: 8, sigma: 0 } },
  faults: [{ kind: 'dns-drop', match: '$goproxy' }],
  mitigations: [{ name: 'resolver-options', timeoutSec: 1, attempts: 2 }],
  reps: 3,
  timeout: '90s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'fail', failureClass: 'dns-timeout' },
    'resolver-options': { outcome: 'fail', failureClass: 'dns-timeout' },
  },
});
