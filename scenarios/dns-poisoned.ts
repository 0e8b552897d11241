import { defineScenario } from 'gomod-chaos';

/**
 * Trap 3: an internal DNS cache poisoned with a wrong A record for the module proxy (an address
 * where nothing listens). Expected on baseline: tcp-refused at once. A domestic mirror under
 * another name avoids it.
 */
export default defineScenario({
  name: 'dns-poisoned',
  description: 'The resolver answers the module proxy with a dead address. Baseline: tcp-refused.',
  mirrors: ['goproxy.example'],
  faults: [{ kind: 'dns-poison', match: '$goproxy', address: '127.0.9.9' }],
  mitigations: ['mirror-list', 'ipv4-only'],
  reps: 8,
  timeout: '60s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'fail', failureClass: 'tcp-refused' },
    'ipv4-only': { outcome: 'fail', failureClass: 'tcp-refused' },
    'mirror-list': { outcome: 'ok' },
  },
});
