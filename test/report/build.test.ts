import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build.ts';
import { csvReporter } from '../../src/report/reporters/csv.ts';
import { junitReporter } from '../../src/report/reporters/junit.ts';
import { markdownReporter } from '../../src/report/reporters/markdown.ts';
import { RECORD_SCHEMA, type TrialRecord } from '../../src/runner/record.ts';

function record(mitigation: string, rep: number, outcome: TrialRecord['outcome'], durationMs: number, extra: Partial<TrialRecord> = {}): TrialRecord {
  return {
    schema: RECORD_SCHEMA, scenario: 's', mitigation, rep, trial: rep, backend: 'netns', goVersion: 'go1.26.8', outcome,
    failureClass: outcome === 'ok' ? null : outcome === 'timeout' ? 'deadline' : 'tcp-reset', durationMs, mitigationSetupMs: 0, attempts: 1,
    wallMs: durationMs + 10, exitCode: outcome === 'ok' ? 0 : 1, modules: 3, bytes: 1000,
    dns: { queries: 2, byName: {}, failed: 0 }, tcp: { connections: 2 }, tls: { handshakes: 2, sni: {} },
    http: { requests: 9, h1: mitigation === 'http2-off' ? 9 : 0, h2: mitigation === 'http2-off' ? 0 : 9, byStatus: {}, bytes: 1000 },
    firewall: {}, proxy: { connects: 0, byStatus: {} }, stderrTail: '', startedAt: '2026-11-21T00:00:00Z', seed: 1, ...extra,
  };
}

const times = (base: number, n = 20) => Array.from({ length: n }, (_, i) => base + (i % 7) * 3);

describe('report verdicts', () => {
  const records = [
    ...times(200).map((t, i) => record('baseline', i, 'ok', t)),
    ...times(100).map((t, i) => record('faster', i, 'ok', t)),
    ...times(400).map((t, i) => record('slower', i, 'ok', t)),
    ...times(200).map((t, i) => record('same', i, 'ok', t + (i % 2))),
    ...times(200).map((t, i) => record('flaky', i, i < 10 ? 'fail' : 'ok', t)),
    ...times(200).map((t, i) => record('hangs', i, 'timeout', 120_000)),
  ];
  const report = buildReport(records, {}, { title: 't' });
  const cell = (name: string) => report.scenarios[0]!.cells.find((c) => c.mitigation === name)!;

  it('needs the rank test and the ratio interval to agree beyond the threshold', () => {
    expect(cell('faster').vsBaseline?.verdict).toBe('better');
    expect(cell('faster').vsBaseline!.ratio.value).toBeCloseTo(0.5, 1);
    expect(cell('slower').vsBaseline?.verdict).toBe('worse');
    expect(cell('same').vsBaseline?.verdict).toBe('no-difference');
  });

  it('failures decide: a cell failing half its trials is worse whatever its times', () => {
    expect(cell('flaky').vsBaseline).toMatchObject({ failureVerdict: 'worse', verdict: 'worse' });
    expect(cell('flaky').failureRate.value).toBe(0.5);
  });

  it('timeouts are censored: no median, no average, and worse than the baseline', () => {
    expect(cell('hangs').time.median.value).toBeNull();
    expect(cell('hangs').time.censored).toBe(20);
    expect(cell('hangs').vsBaseline?.verdict).toBe('worse');
  });

  it('the baseline comes first and has no comparison', () => {
    expect(report.scenarios[0]!.cells[0]).toMatchObject({ mitigation: 'baseline', vsBaseline: null });
  });

  it('markdown, junit and csv render the same cells', () => {
    const md = markdownReporter.render(report, records);
    expect(md).toContain('| faster | 100% ');
    expect(md).toContain('**better**');
    const junit = junitReporter.render(report, records);
    expect(junit.match(/<failure /g)).toHaveLength(3); // slower, flaky, hangs
    expect(csvReporter.render(report, records).trim().split('\n')).toHaveLength(records.length + 1);
  });
});
