import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build.ts';
import { renderHtml } from '../../src/report/html.ts';
import { markdownReporter } from '../../src/report/reporters/markdown.ts';
import { RECORD_SCHEMA, type TrialRecord } from '../../src/runner/record.ts';

function record(trial: number, outcome: TrialRecord['outcome'], durationMs: number, extra: Partial<TrialRecord> = {}): TrialRecord {
  return {
    schema: RECORD_SCHEMA, scenario: 'real', mitigation: 'baseline', rep: trial, trial, backend: 'netns', goVersion: 'go1.26.8', outcome,
    failureClass: outcome === 'ok' ? null : 'http-5xx', durationMs, mitigationSetupMs: 0, attempts: 1, wallMs: durationMs + 10,
    exitCode: outcome === 'ok' ? 0 : 1, modules: 3, bytes: 1000, dns: { queries: 2, byName: {}, failed: 0 }, tcp: { connections: 2 },
    tls: { handshakes: 2, sni: {} }, http: { requests: 9, h1: 9, h2: 0, byStatus: {}, bytes: 1000 }, firewall: {}, proxy: { connects: 0, byStatus: {} },
    stderrTail: '', startedAt: '2026-11-21T00:00:00Z', seed: 1, ...extra,
  };
}

const nginx = (trial: number, lines = 2) => ({ components: { nginx: { log: Array.from({ length: lines }, (_, i) => `trial ${trial} line ${i} <script>alert(1)</script>`) } } });

describe('component logs in the reports', () => {
  const records = [
    record(1, 'ok', 300, nginx(1)),
    record(2, 'ok', 100, nginx(2)),
    record(3, 'ok', 200, nginx(3, 40)),
    record(4, 'fail', 50, nginx(4)),
    record(5, 'harness-error', 0, { failureClass: 'harness', stderrTail: 'the harness failed during this trial: component nginx died during the trial: worker exited | signal 9' }),
    record(6, 'fail', 50, nginx(6)),
    record(7, 'fail', 50, nginx(7)),
  ];
  const report = buildReport(records, {}, { title: 't' });
  const logs = report.scenarios[0]!.cells[0]!.trialLogs!;

  it('keeps the median trial and the first three failing ones, each bounded', () => {
    expect(logs.map((l) => [l.trial, l.why])).toEqual([[3, 'median'], [4, 'failing'], [5, 'failing'], [6, 'failing']]);
    expect(logs[0]!.components['nginx']).toHaveLength(12);
    expect(logs[0]!.components['nginx']!.at(-1)).toContain('line 39');
    expect(logs[2]!.message?.split('\n')).toEqual(['the harness failed during this trial: component nginx died during the trial: worker exited', 'signal 9']);
  });

  it('shows them in report.md (as code) and report.html (escaped), and not for cells without components', () => {
    const md = markdownReporter.render(report, records);
    expect(md).toContain('<details><summary>Logs of baseline (go1.26.8): median and failing trials</summary>');
    expect(md).toContain('**trial 5, failing: harness-error (harness)**');
    expect(md).toContain('    trial 4 line 1 <script>alert(1)</script>');
    const html = renderHtml(report).split('<details class="trial-logs">')[1]!.split('</details>')[0]!;
    expect(html).toContain('component nginx died during the trial: worker exited\nsignal 9</pre>');
    expect(html).toContain('trial 3 line 39 &#60;script&#62;');
    expect(html).not.toContain('line 39 <script>');
    const plain = buildReport([record(1, 'ok', 100), record(2, 'fail', 50)], {}, { title: 't' });
    expect(plain.scenarios[0]!.cells[0]!.trialLogs).toBeUndefined();
    expect(markdownReporter.render(plain, [])).not.toContain('<details>');
  });
});
