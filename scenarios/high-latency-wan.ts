import { defineScenario } from 'gomod-chaos';

/**
 * An overseas link: 200 ms more per round trip, with jitter. Expected on baseline: success,
 * seconds slower. Compared: HTTP/1.1 (more connections), a local HTTP/1.1 gateway with a pool,
 * more download parallelism, a warm local cache (the best case).
 */
export default defineScenario({
  name: 'high-latency-wan',
  description: 'The WAN adds 200 ms per round trip (±20 ms). Baseline: ok, slow.',
  faults: [{ kind: 'tcp-latency', match: '*', latency: '200ms', jitter: '20ms' }],
  mitigations: ['http2-off', 'http1-gateway', { name: 'concurrency', gomaxprocs: 8 }, 'warm-proxy'],
  reps: 6,
  timeout: '120s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'ok', medianMs: '>4000' },
    'http2-off': { outcome: 'ok' },
    'http1-gateway': { outcome: 'ok' },
    concurrency: { outcome: 'ok' },
    'warm-proxy': { outcome: 'ok', medianMs: '<2000' },
  },
});
