import { defineScenario } from 'gomod-chaos';

/**
 * Trap 1 of the field: a stale /etc/hosts line maps the module proxy to an address where nothing
 * listens. Expected on baseline: every trial fails at once with tcp-refused, and the resolver sees
 * no query for that name (the hosts file wins). Only a mirror reached under another name gets
 * around it; resolver tuning cannot.
 */
export default defineScenario({
  name: 'hosts-file-override',
  description: 'A stale /etc/hosts line sends the module proxy to an address where nothing listens. Baseline: tcp-refused at once, no DNS query for it.',
  mirrors: ['goproxy.example'],
  faults: [{ kind: 'hosts-entry', name: '$goproxy', address: '127.0.9.9' }],
  mitigations: ['dns-prewarm', 'mirror-list'],
  reps: 8,
  timeout: '60s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'fail', failureClass: 'tcp-refused' },
    'dns-prewarm': { outcome: 'fail', failureClass: 'tcp-refused' },
    'mirror-list': { outcome: 'ok' },
  },
});
