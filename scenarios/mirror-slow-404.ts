import { defineScenario } from 'gomod-chaos';

/**
 * A mirror that takes long to answer 404 (golang/go#73403 reports about 60 s; 5 s here to keep
 * runs short: the cost grows linearly with it). With it first in GOPROXY, every fall-through waits for it. Expected: the
 * mirror-first cell is slower than baseline by the 404 delay times the sequential requests.
 */
export default defineScenario({
  name: 'mirror-slow-404',
  description: 'The first mirror answers 404 after 5 s. Mirror-first trials wait for every 404 before falling through.',
  corpus: { modules: 2, depth: 1, fanout: 0, maxVersions: 1, zipSizeKB: { median: 16, sigma: 0.3 } },
  mirrors: ['goproxy.example'],
  faults: [{ kind: 'http-status', match: 'goproxy.example', status: 404, delay: '5s' }],
  mitigations: ['mirror-list'],
  reps: 5,
  timeout: '300s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'ok', medianMs: '<10000' },
    'mirror-list': { outcome: 'ok', medianMs: '>10000' },
  },
});
