import { defineScenario } from 'gomod-chaos';

/**
 * A link that cuts every connection after 250 KB, mid-zip. Go does not retry a failed fetch.
 * Expected on baseline: failure (tcp-eof); a retry wrapper keeps the modules already downloaded
 * and tries again, getting further each time.
 */
export default defineScenario({
  name: 'reset-mid-zip',
  description: 'Every connection is cut after 250 KB, mid-zip. Baseline: tcp-eof.',
  corpus: { modules: 20, zipSizeKB: { median: 48, sigma: 0.5 } },
  faults: [{ kind: 'tcp-limit-data', match: '$goproxy', bytes: 250_000 }],
  mitigations: [{ name: 'retry-wrapper', attempts: 6, baseDeadline: '30s' }, 'http2-off'],
  reps: 8,
  timeout: '120s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'fail' },
    'http2-off': { outcome: 'fail' },
    'retry-wrapper': { outcome: 'ok' },
  },
});
