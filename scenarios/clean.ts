import { defineScenario } from 'gomod-chaos';

/**
 * The control: a clean network. Every trial should succeed; the origin log shows what each
 * mitigation changes on the wire (baseline: h2 on one connection per host; http2-off: h1 on
 * several parallel connections).
 */
export default defineScenario({
  name: 'clean',
  description: 'No fault anywhere: DNS answers, the firewall passes every name, the WAN is loopback-fast, the origin serves every module.',
  corpus: { modules: 20, seed: 1 },
  mitigations: ['baseline', 'http2-off'],
  reps: 3,
  timeout: '120s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'ok' },
    'http2-off': { outcome: 'ok' },
  },
});
