import { describe, expect, it } from 'vitest';
import { only, runFaultScenario } from '../../fault-run.ts';

const P = 'proxy.golang.org';

/** DNS faults and client resolver traps, with the real go's pure-Go resolver. */
describe('DNS faults (fake resolver) and resolv.conf / hosts traps', () => {
  it('dns-nxdomain: no such host, at once', async () => {
    const r = only(await runFaultScenario({ faults: [{ kind: 'dns-nxdomain', match: P }] }));
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'dns-nxdomain' });
    expect(r.stderrTail).toContain(`lookup ${P} on 127.0.0.53:53: no such host`);
    // at once: no resolver timeout (5 s by default) was waited out
    expect(r.durationMs).toBeLessThan(4_000);
    expect(r.tcp.connections).toBe(0);
  });

  it('dns-servfail and dns-refused: go calls both "server misbehaving"', async () => {
    for (const kind of ['dns-servfail', 'dns-refused'] as const) {
      const r = only(await runFaultScenario({ faults: [{ kind, match: P }] }));
      expect(r).toMatchObject({ outcome: 'fail', failureClass: 'dns-servfail' });
      expect(r.stderrTail).toContain('server misbehaving');
    }
  });

  it('dns-drop with options timeout:1 attempts:2: each lookup of the name gives up after about 2 s, not 10 s', async () => {
    const r = only(await runFaultScenario({ faults: [{ kind: 'dns-drop', match: P }, { kind: 'resolv-conf', options: { timeoutSec: 1, attempts: 2 } }] }));
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'dns-timeout' });
    // A and AAAA asked in parallel, twice (attempts:2): four queries per lookup
    const queries = (r.dns.byName[`${P} A`] ?? 0) + (r.dns.byName[`${P} AAAA`] ?? 0);
    expect(queries % 4).toBe(0);
    const lookups = queries / 4;
    expect(r.durationMs / lookups).toBeGreaterThanOrEqual(1_900);
    // far from the 10 s of the defaults (slack for a busy machine)
    expect(r.durationMs / lookups).toBeLessThan(5_000);
  });

  it('dns-delay: every answer late by the delay, the download still succeeds', async () => {
    const r = only(await runFaultScenario({ faults: [{ kind: 'dns-delay', match: P, delay: '400ms' }] }));
    expect(r.outcome).toBe('ok');
    expect(r.durationMs).toBeGreaterThanOrEqual(400);
  });

  it('dns-poison to an address where nothing listens: connection refused', async () => {
    const r = only(await runFaultScenario({ faults: [{ kind: 'dns-poison', match: P, address: '127.0.9.9' }] }));
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'tcp-refused' });
    expect(r.stderrTail).toContain('dial tcp 127.0.9.9:443: connect: connection refused');
  });

  it('dns-stale: a non-authoritative stale answer sends go to the old address', async () => {
    const r = only(await runFaultScenario({ faults: [{ kind: 'dns-stale', match: P, address: '127.0.9.9' }] }));
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'tcp-refused' });
  });

  it('dns-truncate: UDP answers come back truncated, go retries over TCP and succeeds', async () => {
    const r = only(await runFaultScenario({ faults: [{ kind: 'dns-truncate', match: '*' }] }));
    expect(r.outcome).toBe('ok');
    expect(r.dns.queries).toBeGreaterThanOrEqual(4); // each question over UDP, then again over TCP
  });

  it('dns-flaky: probability 1 always fails, probability 0 never does', async () => {
    const always = only(await runFaultScenario({ faults: [{ kind: 'dns-flaky', match: P, probability: 1, failure: 'servfail' }] }));
    expect(always).toMatchObject({ outcome: 'fail', failureClass: 'dns-servfail' });
    const never = only(await runFaultScenario({ faults: [{ kind: 'dns-flaky', match: P, probability: 0, failure: 'servfail' }] }));
    expect(never.outcome).toBe('ok');
  });

  it('dns-aaaa-nowhere: IPv6 SYNs vanish, go falls back to IPv4 after its 300 ms happy-eyeballs delay', async () => {
    const r = only(await runFaultScenario({ faults: [{ kind: 'dns-aaaa-nowhere', match: '*' }] }));
    expect(r.outcome).toBe('ok');
    // the IPv6 dial never completes, so IPv4 starts only after net.Dialer's 300 ms fallback delay:
    // a physical lower bound (a clean trial of this corpus takes about 100 ms on a quiet machine)
    expect(r.durationMs).toBeGreaterThanOrEqual(300);
    expect(Object.keys(r.dns.byName).some((k) => k.endsWith(' AAAA'))).toBe(true);
  });

  it('resolv.conf with a dead first nameserver: every lookup waits out its timeout first', async () => {
    const r = only(await runFaultScenario({ faults: [{ kind: 'resolv-conf', nameservers: ['dead', 'fake'], options: { timeoutSec: 1 } }] }));
    expect(r.outcome).toBe('ok');
    expect(r.durationMs).toBeGreaterThanOrEqual(1_000);
    // a refusing first nameserver costs nothing: the ICMP error moves go on at once
    const refusing = only(await runFaultScenario({ faults: [{ kind: 'resolv-conf', nameservers: ['refusing', 'fake'], options: { timeoutSec: 1 } }] }));
    expect(refusing.outcome).toBe('ok');
    // the dead nameserver's trial waited out at least one 1 s timeout; this one waited none
    expect(refusing.durationMs).toBeLessThan(r.durationMs - 500);
  });

  it('hosts-entry: a stale /etc/hosts line wins over DNS (no query is made)', async () => {
    const r = only(await runFaultScenario({ faults: [{ kind: 'hosts-entry', name: P, address: '127.0.9.9' }] }));
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'tcp-refused' });
    expect(r.dns.byName[`${P} A`]).toBeUndefined();
  });
});
