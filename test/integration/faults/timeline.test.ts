import { describe, expect, it } from 'vitest';
import { findGo, goproxyHosts, gosumdbHost, inspectGo } from '../../../src/client/toolchain.ts';
import { only, runFaultScenario, SMALL_CORPUS } from '../../fault-run.ts';

const toolchain = inspectGo(findGo());
const P = goproxyHosts(toolchain.defaultGoproxy)[0]!;
const SUMDB = gosumdbHost(toolchain.defaultGosumdb)!;
const SLOW = { kind: 'tcp-latency', match: P, latency: '60ms' } as const;

/** Faults that change during a trial, timed from the moment go starts. */
describe('faults on a timeline', () => {
  it('an origin fault that starts mid-download: early requests succeed, later ones fail', async () => {
    // a chain of 6 modules at 150 ms per response takes about 2 s (measured quiet); the first
    // response comes about 450 ms after go's start (TLS, then a request), so a 503 from 1 s on
    // meets both sides even when go takes 0.5 s to start on a loaded machine (400 ms at 60 ms did not)
    const chain = { ...SMALL_CORPUS, modules: 6, depth: 5, fanout: 1 };
    const r = only(await runFaultScenario({ corpus: chain, faults: [{ ...SLOW, latency: '150ms' }, { kind: 'http-status', match: P, status: 503, from: '1s' }] }));
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'http-5xx' });
    expect(r.http.byStatus['200']).toBeGreaterThan(0);
    expect(r.http.byStatus['503']).toBeGreaterThan(0);
  });

  it('a toxic added mid-download: the link resets after the fault starts', async () => {
    const r = only(await runFaultScenario({ faults: [SLOW, { kind: 'tcp-reset', match: P, from: '400ms' }] }));
    // Toxiproxy (v2.5.0 link.go) sets SO_LINGER 0 only when a connection starts with a reset_peer
    // toxic in its chain: a connection opened before 400 ms is closed gracefully (FIN, go says
    // "unexpected EOF"), one opened after is reset (RST). Which go meets first depends on whether
    // it still reuses its first connection then: both are the link breaking after the fault starts.
    expect(r.outcome).toBe('fail');
    expect(['tcp-reset', 'tcp-eof']).toContain(r.failureClass);
    expect(r.http.byStatus['200']).toBeGreaterThan(0);
    expect(r.durationMs).toBeGreaterThanOrEqual(400);
  });

  it('a link that comes back: latency until 500 ms costs less than latency all along', async () => {
    const always = only(await runFaultScenario({ faults: [{ kind: 'tcp-latency', match: P, latency: '150ms' }] }));
    const until = only(await runFaultScenario({ faults: [{ kind: 'tcp-latency', match: P, latency: '150ms', until: '500ms' }] }));
    expect(always.outcome).toBe('ok');
    expect(until.outcome).toBe('ok');
    expect(until.durationMs).toBeLessThan(always.durationMs * 0.8);
  });

  it('DNS that starts failing later: a lookup before the fault succeeds, a lookup after it fails', async () => {
    // Every name fails from 400 ms on. go looks the proxy up at once (well before 400 ms) and then
    // the checksum database's host only after a TLS handshake and a go.mod fetch, each at least
    // one 400 ms-late response from the proxy: so at least 800 ms in, well after the fault began.
    const r = only(await runFaultScenario({
      corpus: { ...SMALL_CORPUS, goSum: 'none' },
      faults: [
        { kind: 'tcp-latency', match: P, latency: '400ms' },
        { kind: 'http-status', match: P, status: 404, path: '/sumdb/*' },
        { kind: 'dns-nxdomain', match: '*', from: '400ms' },
      ],
    }));
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'sumdb-unreachable' });
    expect(r.stderrTail).toContain(`lookup ${SUMDB}`);
    expect(r.stderrTail).toContain('no such host');
    // the proxy's lookup came before the fault: go reached the proxy and got its go.mod files
    expect(r.http.byStatus['200']).toBeGreaterThan(0);
    expect(r.durationMs).toBeGreaterThanOrEqual(800);
  });
});
