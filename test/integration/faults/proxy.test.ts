import { describe, expect, it } from 'vitest';
import { only, runFaultScenario } from '../../fault-run.ts';

const P = 'proxy.golang.org';

/** The corporate explicit proxy, used by go through HTTPS_PROXY. */
describe('corporate CONNECT proxy', () => {
  it('a mandatory proxy: go tunnels through it; the proxy resolves the names with the fake DNS', async () => {
    const r = only(await runFaultScenario({ corporateProxy: {} }));
    expect(r.outcome).toBe('ok');
    expect(r.proxy.connects).toBeGreaterThan(0);
    expect(r.proxy.byStatus['200']).toBe(r.proxy.connects);
    expect(r.dns.byName[`${P} A`]).toBeGreaterThan(0);
  });

  it('PAC-only: a proxy the client is not configured for (go never reads PAC) means direct egress, which is reset', async () => {
    const r = only(await runFaultScenario({ corporateProxy: { clientUsesProxy: false } }));
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'tcp-reset' });
    expect(r.proxy.connects).toBe(0);
    expect(r.firewall['reset-direct-egress']).toBeGreaterThan(0);
  });

  it('proxy-deny: 403 on CONNECT is "Forbidden" to go', async () => {
    const r = only(await runFaultScenario({ corporateProxy: {}, faults: [{ kind: 'proxy-deny', match: P }] }));
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'proxy-denied' });
    expect(r.proxy.byStatus['403']).toBeGreaterThan(0);
  });

  it('proxy-auth-required: 407 without credentials', async () => {
    const r = only(await runFaultScenario({ corporateProxy: {}, faults: [{ kind: 'proxy-auth-required', username: 'alice', password: 's3cret' }] }));
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'proxy-auth' });
  });

  it('proxy-latency: every tunnel setup waits', async () => {
    const r = only(await runFaultScenario({ corporateProxy: {}, faults: [{ kind: 'proxy-latency', delay: '500ms' }] }));
    expect(r.outcome).toBe('ok');
    expect(r.durationMs).toBeGreaterThanOrEqual(500);
  });
});
