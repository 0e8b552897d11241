import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build.ts';
import { renderHtml } from '../../src/report/html.ts';
import { markdownReporter } from '../../src/report/reporters/markdown.ts';
import { fieldLines, partialNotice, plannedTrials } from '../../src/report/run-facts.ts';
import { RECORD_SCHEMA, type TrialRecord } from '../../src/runner/record.ts';

const run = { identity: { goVersions: ['go1.26.8'] }, scenarios: [{ name: 's', reps: 4, mitigations: ['baseline', 'http2-off'] }], shard: null, machine: { cpus: 2, memoryGiB: 24 } };

function record(mitigation: string, rep: number): TrialRecord {
  return {
    schema: RECORD_SCHEMA, scenario: 's', mitigation, rep, trial: rep, backend: 'netns', goVersion: 'go1.26.8', outcome: 'ok', failureClass: null,
    durationMs: 100 + rep, mitigationSetupMs: 0, attempts: 1, wallMs: 120, exitCode: 0, modules: 3, bytes: 10,
    dns: { queries: 2, byName: {}, failed: 0 }, tcp: { connections: 1 }, tls: { handshakes: 1, sni: {} },
    http: { requests: 3, h1: 0, h2: 3, byStatus: {}, bytes: 10 }, firewall: {}, proxy: { connects: 0, byStatus: {} }, stderrTail: '', startedAt: '2026-11-30T00:00:00Z', seed: 1,
  };
}

describe('run facts in reports', () => {
  it('a run with fewer trials than planned says it is partial, in md and html', () => {
    expect(plannedTrials(run)).toBe(8);
    expect(plannedTrials({ ...run, shard: { index: 2, count: 3 } })).toBe(3); // trials 1, 4, 7
    expect(partialNotice(run, 8)).toBeNull();
    const report = buildReport([0, 1, 2].map((i) => record('http2-off', i)), run, { title: 't' });
    expect(markdownReporter.render(report, [])).toContain('> **Partial run: 3 of 8 planned trials');
    expect(renderHtml(report)).toContain('<div class="warning partial-run" role="alert"><strong>Partial run: 3 of 8 planned trials');
    // a run a failing sandbox or component stopped says why
    expect(partialNotice({ ...run, stoppedBy: 'b: component squid (squid) exited with 1 before it was ready: FATAL <x>' }, 3)).toMatch(/--resume`\. Stopped by: b: component squid .*FATAL <x>$/);
  });

  it('without a baseline trial no row is labelled "(baseline)"', () => {
    const report = buildReport([0, 1].map((i) => record('http2-off', i)), run, { title: 't' });
    const md = markdownReporter.render(report, []);
    expect(md).toContain('| (no baseline trial) |');
    expect(md).not.toContain('(baseline)');
    expect(renderHtml(report)).toContain('<span class="verdict v-base">no baseline trial</span>');
  });

  it('the Run panel shows fields, not raw JSON; md and html both say "success rate"', () => {
    expect(fieldLines(run.machine)).toEqual(['cpus: 2', 'memoryGiB: 24']);
    expect(fieldLines([{ version: 'go1.26.8', cgoBuild: false }])).toEqual(['version: go1.26.8, cgoBuild: false']);
    const report = buildReport([0, 1].map((i) => record('baseline', i)), run, { title: 't' });
    const html = renderHtml(report);
    expect(html).toContain('<dt>machine</dt><dd>cpus: 2<br>memoryGiB: 24</dd>');
    expect(html).toContain('>success rate<');
    expect(markdownReporter.render(report, [])).toContain('| mitigation | success rate [95% CI] |');
  });
});
