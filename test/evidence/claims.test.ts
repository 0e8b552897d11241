import { describe, expect, it } from 'vitest';
import { judgeClaims, CLAIMS } from '../../src/evidence/claims.ts';
import { buildReport } from '../../src/report/build.ts';
import { RECORD_SCHEMA, type TrialRecord } from '../../src/runner/record.ts';

function record(scenario: string, mitigation: string, rep: number, over: Partial<TrialRecord> = {}): TrialRecord {
  return {
    schema: RECORD_SCHEMA, scenario, mitigation, rep, trial: rep, backend: 'netns', goVersion: 'go1.26.8', outcome: 'ok', failureClass: null,
    durationMs: 100, mitigationSetupMs: 0, attempts: 1, wallMs: 110, exitCode: 0, modules: 3, bytes: 1000,
    dns: { queries: 2, byName: {}, failed: 0 }, tcp: { connections: 2 }, tls: { handshakes: 2, sni: {} },
    http: { requests: 9, h1: 0, h2: 9, byStatus: {}, bytes: 1000 }, firewall: {}, proxy: { connects: 0, byStatus: {} },
    stderrTail: '', startedAt: '2026-11-21T00:00:00Z', seed: 1, ...over,
  };
}

const judge = (records: TrialRecord[]) => {
  const report = buildReport(records, {}, { title: 't' });
  return judgeClaims({ report, records }).results;
};

describe('claims judged from trial records', () => {
  it('a claim whose cells the run never measured is "not measured", never refuted', () => {
    const results = judge([record('clean', 'baseline', 0), record('clean', 'http2-off', 1)]);
    expect(results.map((r) => r.id)).toEqual(CLAIMS.map((c) => c.id));
    for (const r of results) expect({ id: r.id, verdict: r.verdict }).toEqual({ id: r.id, verdict: 'not measured' });
    expect(results.find((r) => r.id === 'http2-off')!.evidence).toContain('h2-error-storm/http2-off');
  });

  it('a cell read only for context does not make a measured claim "not measured"', () => {
    const records = Array.from({ length: 3 }, (_, i) => record('corp-tls-inspection', 'goflags-insecure', i, { outcome: 'fail', failureClass: 'tls-untrusted' }));
    expect(judge(records).find((r) => r.id === 'goflags-insecure')).toMatchObject({ verdict: 'refuted' });
  });

  it('PAC: no CONNECT and direct connections reset means go ignored the PAC proxy', () => {
    const records = Array.from({ length: 4 }, (_, i) =>
      record('pac-only-proxy', 'baseline', i, { outcome: 'fail', failureClass: 'tcp-reset', firewall: { 'reset-direct-egress': 5 } }),
    );
    expect(judge(records).find((r) => r.id === 'pac')).toMatchObject({ verdict: 'refuted' });
    records.push(...Array.from({ length: 4 }, (_, i) => record('pac-only-proxy', 'baseline', 10 + i, { proxy: { connects: 2, byStatus: { 200: 2 } } })));
    expect(judge(records).find((r) => r.id === 'pac')).toMatchObject({ verdict: 'confirmed' });
  });

  it('"3 tries of 1 s" is judged from the time per lookup of a name that never resolves', () => {
    const tenSeconds = Array.from({ length: 3 }, (_, i) => record('dns-timeouts', 'baseline', i, { outcome: 'fail', failureClass: 'dns-timeout', durationMs: 10_010, dns: { queries: 4, byName: {}, failed: 4 } }));
    const r = judge(tenSeconds).find((c) => c.id === 'three-tries')!;
    expect(r.verdict).toBe('refuted');
    expect(r.evidence).toContain('10.0 s');
    const threeSeconds = tenSeconds.map((t) => ({ ...t, durationMs: 3_000 }));
    expect(judge(threeSeconds).find((c) => c.id === 'three-tries')!.verdict).toBe('confirmed');
  });
});
