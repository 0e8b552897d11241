import { describe, expect, it } from 'vitest';
import { only, runFaultScenario } from '../../fault-run.ts';

const P = 'proxy.golang.org';
const ONE_MODULE = { modules: 1, depth: 1, fanout: 0, maxVersions: 1, zipSizeKB: { median: 64, sigma: 0 } };

/** TCP faults: toxics of the real Toxiproxy on the WAN link of the host. */
describe('TCP faults (Toxiproxy)', () => {
  it('tcp-latency: every round trip pays it, the download succeeds', async () => {
    const r = only(await runFaultScenario({ faults: [{ kind: 'tcp-latency', match: P, latency: '100ms' }] }));
    expect(r.outcome).toBe('ok');
    // TLS handshake plus at least .info/.mod/.zip request rounds, 100 ms each at the least
    expect(r.durationMs).toBeGreaterThanOrEqual(300);
  });

  it('tcp-bandwidth: a 64 KB zip at 32 KB/s takes about 2 s', async () => {
    const r = only(await runFaultScenario({ corpus: ONE_MODULE, faults: [{ kind: 'tcp-bandwidth', match: P, rateKBps: 32 }] }));
    expect(r.outcome).toBe('ok');
    expect(r.durationMs).toBeGreaterThanOrEqual((r.bytes / 1024 / 32) * 1_000 * 0.8);
  });

  it('tcp-reset: connection reset by peer', async () => {
    const r = only(await runFaultScenario({ faults: [{ kind: 'tcp-reset', match: P }] }));
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'tcp-reset' });
  });

  it('tcp-down: the link is down, the edge resets the connection', async () => {
    const r = only(await runFaultScenario({ faults: [{ kind: 'tcp-down', match: P }] }));
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'tcp-reset' });
    expect(r.firewall['upstream-failed']).toBeGreaterThan(0);
  });

  it('tcp-limit-data: a download cut mid-zip is an unexpected EOF', async () => {
    const r = only(await runFaultScenario({ corpus: ONE_MODULE, faults: [{ kind: 'tcp-limit-data', match: P, bytes: 20_000 }] }));
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'tcp-eof' });
    expect(r.stderrTail).toContain('unexpected EOF');
  });

  it('tcp-blackhole: nothing comes back, go gives up at its 10 s TLS handshake timeout', async () => {
    const r = only(await runFaultScenario({ corpus: ONE_MODULE, timeout: '40s', faults: [{ kind: 'tcp-blackhole', match: P }] }));
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'tls-handshake-timeout' });
    expect(r.durationMs).toBeGreaterThanOrEqual(10_000);
    expect(r.durationMs).toBeLessThan(25_000);
  });

  it('tcp-slicer and tcp-slow-close slow the path down without breaking it', async () => {
    const r = only(await runFaultScenario({ faults: [{ kind: 'tcp-slicer', match: P, averageSizeBytes: 256, sizeVariationBytes: 64, delayUs: 2_000 }, { kind: 'tcp-slow-close', match: P, delay: '100ms' }] }));
    expect(r.outcome).toBe('ok');
    expect(r.durationMs).toBeGreaterThanOrEqual(200);
  });
});
