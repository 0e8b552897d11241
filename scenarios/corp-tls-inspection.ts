import { defineScenario } from 'gomod-chaos';

/**
 * Corporate TLS inspection re-signs every certificate with its own CA, which go does not trust.
 * Expected on baseline: tls-untrusted at once. Trusting the inspection CA fixes it; field advice
 * such as GOFLAGS=-insecure does not (the flag no longer exists).
 */
export default defineScenario({
  name: 'corp-tls-inspection',
  description: 'TLS inspection with an untrusted corporate CA. Baseline: tls-untrusted.',
  faults: [{ kind: 'tls-mitm', match: '*' }],
  mitigations: ['corp-ca-trust', 'goflags-insecure'],
  reps: 8,
  timeout: '60s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'fail', failureClass: 'tls-untrusted' },
    'corp-ca-trust': { outcome: 'ok' },
    'goflags-insecure': { outcome: 'fail', failureClass: 'tls-untrusted' },
  },
});
