import { defineScenario } from 'gomod-chaos';

/**
 * A mirror listed first in GOPROXY that does not have the modules. With "," go falls through to
 * the next entry only on 404/410; with "|" on any error. Expected: mirror 404 → "," falls through
 * and succeeds; mirror 500 → "," stops with http-5xx while "|" falls through. The baseline (no
 * mirror) is unaffected: this scenario is about the list separators.
 */
export default defineScenario({
  name: 'mirror-404-vs-500',
  description: 'A first mirror answers 404 for zips and 500 for mod files. "," falls through only on 404/410, "|" on any error.',
  mirrors: ['goproxy.example'],
  faults: [
    { kind: 'http-status', match: 'goproxy.example', path: '*.zip', status: 404 },
    { kind: 'http-status', match: 'goproxy.example', path: '*.mod', status: 500 },
  ],
  mitigations: [{ name: 'mirror-list', mirrors: ['goproxy.example'], separator: [',', '|'] }],
  reps: 8,
  timeout: '60s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'ok' },
    'mirror-list(goproxy.example,default)': { outcome: 'fail', failureClass: 'http-5xx' },
    'mirror-list(goproxy.example|default)': { outcome: 'ok' },
  },
});
