import { describe, expect, it } from 'vitest';
import { only, runFaultScenario } from '../../fault-run.ts';

const P = 'proxy.golang.org';
const SLOW = { kind: 'tcp-latency', match: P, latency: '60ms' } as const;

/** Faults that change during a trial, timed from the moment go starts. */
describe('faults on a timeline', () => {
  it('an origin fault that starts mid-download: early requests succeed, later ones fail', async () => {
    const r = only(await runFaultScenario({ faults: [SLOW, { kind: 'http-status', match: P, status: 503, from: '400ms' }] }));
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'http-5xx' });
    expect(r.http.byStatus['200']).toBeGreaterThan(0);
    expect(r.http.byStatus['503']).toBeGreaterThan(0);
  });

  it('a toxic added mid-download: the link resets after the fault starts', async () => {
    const r = only(await runFaultScenario({ faults: [SLOW, { kind: 'tcp-reset', match: P, from: '400ms' }] }));
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'tcp-reset' });
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

  it('DNS that starts failing later: a lookup before the fault succeeds', async () => {
    const r = only(await runFaultScenario({ faults: [{ kind: 'dns-nxdomain', match: P, from: '5s' }] }));
    expect(r.outcome).toBe('ok');
  });
});
