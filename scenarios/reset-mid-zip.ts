import { defineScenario } from 'gomod-chaos';

/**
 * A link that drops connections mid-transfer: half the connections are cut after 30 KB.
 * Go does not retry a failed fetch. Expected on baseline: failures (tcp-eof); a retry wrapper
 * keeps what was downloaded and tries again.
 */
export default defineScenario({
  name: 'reset-mid-zip',
  description: 'Half the connections are cut after 30 KB, mid-zip. Baseline: frequent tcp-eof failures.',
  corpus: { modules: 20, zipSizeKB: { median: 48, sigma: 0.5 } },
  faults: [{ kind: 'tcp-limit-data', match: '$goproxy', bytes: 30_000, toxicity: 0.5 }],
  mitigations: [{ name: 'retry-wrapper', attempts: 4, baseDeadline: '30s' }, 'http2-off'],
  reps: 8,
  timeout: '120s',
});
