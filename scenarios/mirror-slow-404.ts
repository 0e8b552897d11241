import { defineScenario } from 'gomod-chaos';

/**
 * A mirror that takes about 60 s to answer 404 (golang/go#73403). With it first in GOPROXY,
 * every fall-through waits for it. Expected: the mirror-first cell is about a minute slower per
 * module batch than baseline.
 */
export default defineScenario({
  name: 'mirror-slow-404',
  description: 'The first mirror answers 404 after ~60 s. Mirror-first trials wait for every 404 before falling through.',
  corpus: { modules: 4, depth: 2, fanout: 2, maxVersions: 1, zipSizeKB: { median: 16, sigma: 0.3 } },
  mirrors: ['goproxy.example'],
  faults: [{ kind: 'http-status', match: 'goproxy.example', status: 404, delay: '60s' }],
  mitigations: ['mirror-list'],
  reps: 3,
  timeout: '300s',
});
