import { describe, expect, it } from 'vitest';
import { only, runFaultScenario } from '../../fault-run.ts';

const P = 'proxy.golang.org';
const ONE_MODULE = { modules: 1, depth: 1, fanout: 0, maxVersions: 1, zipSizeKB: { median: 8, sigma: 0 } };

/** TLS / SNI faults: rules of the network edge, decided from the ClientHello. */
describe('TLS / SNI faults (firewall)', () => {
  it('sni-reset: an SNI filter resets the connection after the ClientHello', async () => {
    const r = only(await runFaultScenario({ faults: [{ kind: 'sni-reset', match: P }] }));
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'tcp-reset' });
    expect(r.firewall['sni-reset']).toBeGreaterThan(0);
    expect(r.tls.handshakes).toBe(0);
  });

  it('sni-close: an SNI filter closes the connection (FIN) after the ClientHello, as haproxy and squid do', async () => {
    const r = only(await runFaultScenario({ faults: [{ kind: 'sni-close', match: P }] }));
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'tcp-eof' });
    expect(r.firewall['sni-close']).toBeGreaterThan(0);
    expect(r.tls.handshakes).toBe(0);
  });

  it('sni-blackhole: the hello is swallowed, go gives up at its 10 s TLS handshake timeout', async () => {
    const r = only(await runFaultScenario({ corpus: ONE_MODULE, timeout: '40s', faults: [{ kind: 'sni-blackhole', match: P }] }));
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'tls-handshake-timeout' });
    expect(r.durationMs).toBeGreaterThanOrEqual(10_000);
    expect(r.durationMs).toBeLessThan(25_000);
  });

  it('tls-handshake-delay: a slow inspecting gateway delays, under 10 s it still works', async () => {
    const r = only(await runFaultScenario({ faults: [{ kind: 'tls-handshake-delay', match: P, delay: '700ms' }] }));
    expect(r.outcome).toBe('ok');
    expect(r.durationMs).toBeGreaterThanOrEqual(700);
  });

  it('tls-mitm: corporate TLS inspection with its own CA is untrusted by go', async () => {
    const r = only(await runFaultScenario({ faults: [{ kind: 'tls-mitm', match: P }] }));
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'tls-untrusted' });
    expect(r.stderrTail).toContain('x509: certificate signed by unknown authority');
    expect(r.firewall['tls-mitm']).toBeGreaterThan(0);
  });

  it('tls-refuse-h2: an h2-intolerant middlebox breaks baseline; http2-off gets through over HTTP/1.1', async () => {
    const records = await runFaultScenario({ mitigations: ['http2-off'], faults: [{ kind: 'tls-refuse-h2', match: P }] });
    const baseline = records.find((r) => r.mitigation === 'baseline')!;
    const h1 = records.find((r) => r.mitigation === 'http2-off')!;
    expect(baseline).toMatchObject({ outcome: 'fail', failureClass: 'tcp-reset' });
    expect(h1.outcome).toBe('ok');
    expect(h1.http.h2).toBe(0);
  });
});
