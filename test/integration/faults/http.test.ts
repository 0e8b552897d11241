import { describe, expect, it } from 'vitest';
import { only, runFaultScenario } from '../../fault-run.ts';

const P = 'proxy.golang.org';

/** HTTP faults at the origin, and how GOPROXY's "," list treats each status. */
describe('HTTP faults (origin)', () => {
  it('404 from the mirror falls through "," to direct: go fetches the zips with git from the code host', async () => {
    const r = only(await runFaultScenario({ faults: [{ kind: 'http-status', match: P, status: 404, path: '*.zip' }] }));
    expect(r).toMatchObject({ outcome: 'ok' });
    expect(r.http.byStatus['404']).toBeGreaterThan(0);
    // direct: go's ?go-get=1 at the module host, then git
    expect(r.vcs!.goGet).toBeGreaterThan(0);
    expect(r.vcs!.git).toBeGreaterThan(0);
  });

  it('500 from the mirror does not fall through: go stops with it', async () => {
    const r = only(await runFaultScenario({ faults: [{ kind: 'http-status', match: P, status: 500 }] }));
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'http-5xx' });
    expect(r.stderrTail).toContain('500 Internal Server Error');
    expect(r.vcs).toBeUndefined();
  });

  it('403 and 429 stop the list too, each with its class', async () => {
    for (const [status, failureClass] of [[403, 'http-403'], [429, 'http-429']] as const) {
      const r = only(await runFaultScenario({ faults: [{ kind: 'http-status', match: P, status }] }));
      expect(r).toMatchObject({ outcome: 'fail', failureClass });
      expect(r.vcs).toBeUndefined();
    }
  });

  it('a slow 404 (the mirror takes its time) costs its delay before the fall-through', async () => {
    const r = only(await runFaultScenario({ faults: [{ kind: 'http-status', match: P, status: 404, path: '*.zip', delay: '1500ms' }] }));
    expect(r.outcome).toBe('ok');
    expect(r.vcs!.git).toBeGreaterThan(0);
    expect(r.durationMs).toBeGreaterThanOrEqual(1_500);
  });

  it('http-slow-first-byte: the response waits, go (no response-header timeout) waits too', async () => {
    const r = only(await runFaultScenario({ faults: [{ kind: 'http-slow-first-byte', match: P, path: '*.zip', delay: '600ms' }] }));
    expect(r.outcome).toBe('ok');
    expect(r.durationMs).toBeGreaterThanOrEqual(600);
  });

  it('http-stall mid-body hangs go forever: only the harness deadline ends it', async () => {
    const r = only(await runFaultScenario({ timeout: '3s', faults: [{ kind: 'http-stall', match: P, path: '*.zip', afterBytes: 100 }] }));
    expect(r).toMatchObject({ outcome: 'timeout', failureClass: 'deadline' });
    expect(r.durationMs).toBeGreaterThanOrEqual(3_000);
    expect(r.durationMs).toBeLessThan(3_000 + 5_000); // killed at the deadline, with slack for a busy machine
  });

  it('h2-rst-stream INTERNAL_ERROR mid-zip (golang/go#51323) reaches the user; http2-off avoids it', async () => {
    const records = await runFaultScenario({ mitigations: ['http2-off'], faults: [{ kind: 'h2-rst-stream', match: P, path: '*.zip', afterBytes: 100 }] });
    const baseline = records.find((r) => r.mitigation === 'baseline')!;
    expect(baseline).toMatchObject({ outcome: 'fail', failureClass: 'http2-stream-error' });
    expect(baseline.stderrTail).toMatch(/stream error: stream ID \d+; INTERNAL_ERROR/);
    expect(records.find((r) => r.mitigation === 'http2-off')!.outcome).toBe('ok');
  });

  it('h2-goaway after a few streams: net/http retries the unprocessed requests on a new connection', async () => {
    const clean = only(await runFaultScenario({}));
    const r = only(await runFaultScenario({ faults: [{ kind: 'h2-goaway', match: P, afterStreams: 3, code: 'INTERNAL_ERROR' }] }));
    expect(r.outcome).toBe('ok');
    expect(r.tls.handshakes).toBeGreaterThan(clean.tls.handshakes);
  });

  it('h2-stall: h2 streams hang while HTTP/1.1 works', async () => {
    const records = await runFaultScenario({ timeout: '3s', mitigations: ['http2-off'], faults: [{ kind: 'h2-stall', match: P }] });
    expect(records.find((r) => r.mitigation === 'baseline')).toMatchObject({ outcome: 'timeout', failureClass: 'deadline' });
    expect(records.find((r) => r.mitigation === 'http2-off')!.outcome).toBe('ok');
  });
});
