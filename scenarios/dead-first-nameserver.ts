import { defineScenario } from 'gomod-chaos';

/**
 * Trap 2: the first nameserver in resolv.conf is dead. Go's resolver waits out its timeout on it
 * (5 s by default) before asking the next, on every lookup. Expected on baseline: success, but
 * seconds slower per lookup; `options timeout:1` cuts the wait, a local cache pays it once.
 */
export default defineScenario({
  name: 'dead-first-nameserver',
  description: 'resolv.conf lists a dead nameserver first. Baseline: ok, but every lookup first waits out the 5 s timeout.',
  faults: [{ kind: 'resolv-conf', nameservers: ['dead', 'fake'] }],
  mitigations: [{ name: 'resolver-options', timeoutSec: 1, attempts: 2 }, 'dns-prewarm', 'netdns-cgo'],
  reps: 6,
  timeout: '90s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'ok', medianMs: '>5000' },
    'dns-prewarm': { outcome: 'ok', medianMs: '<2500' },
    'resolver-options': { outcome: 'ok', medianMs: '>=1000' },
    'netdns-cgo': { outcome: 'ok', medianMs: '>5000' },
  },
});
