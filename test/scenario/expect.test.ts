import { describe, expect, it } from 'vitest';
import { HarnessError } from '../../src/errors.ts';
import { buildReport } from '../../src/report/build.ts';
import { renderHtml } from '../../src/report/html.ts';
import { junitReporter } from '../../src/report/reporters/junit.ts';
import { markdownReporter } from '../../src/report/reporters/markdown.ts';
import { RECORD_SCHEMA, type TrialRecord } from '../../src/runner/record.ts';
import { checkExpectations, compare, type MeasuredCell } from '../../src/scenario/expect.ts';
import { validateScenario } from '../../src/scenario/load.ts';

function measured(over: Partial<MeasuredCell> = {}): MeasuredCell {
  return { mitigation: 'baseline', n: 4, ok: 0, fail: 4, timeout: 0, harnessError: 0, time: { median: { value: null } }, failureClasses: { 'tcp-reset': 4 }, ...over };
}

function loadError(input: unknown): string {
  try {
    validateScenario(input, 's.ts');
  } catch (err) {
    expect(err).toBeInstanceOf(HarnessError);
    return (err as Error).message;
  }
  throw new Error('expected a load error');
}

describe('scenario expectations', () => {
  it('compares with <, <=, >, >=, =', () => {
    expect(compare(0.95, '>=0.95')).toBe(true);
    expect(compare(0.94, '>=0.95')).toBe(false);
    expect(compare(1999, '<2000')).toBe(true);
    expect(compare(2000, '<2000')).toBe(false);
    expect(compare(1, '=1')).toBe(true);
    expect(compare(3, '> 2')).toBe(true);
  });

  it('outcome and failureClass: met when every trial ends so, failed with what was measured', () => {
    const want = { baseline: { outcome: 'fail' as const, failureClass: 'tcp-reset' } };
    expect(checkExpectations(want, [measured()]).every((r) => r.ok)).toBe(true);
    const mixed = checkExpectations(want, [measured({ ok: 1, fail: 3, failureClasses: { 'tcp-reset': 2, 'dns-timeout': 1 } })]);
    expect(mixed).toEqual([
      { cell: 'baseline', field: 'outcome', expected: 'every trial fail', actual: 'ok 1/4, fail 3/4', ok: false },
      { cell: 'baseline', field: 'failureClass', expected: 'every failure tcp-reset', actual: 'tcp-reset ×2, dns-timeout ×1', ok: false },
    ]);
  });

  it('successRate and medianMs; a censored median is larger than any bound; a missing cell fails', () => {
    const ok = measured({ mitigation: 'mirror-list', ok: 4, fail: 0, failureClasses: {}, time: { median: { value: 1500 } } });
    const want = { 'mirror-list': { successRate: '>=0.95', medianMs: '<2000' } };
    expect(checkExpectations(want, [ok]).map((r) => r.ok)).toEqual([true, true]);
    const slow = checkExpectations(want, [{ ...ok, time: { median: { value: 2500 } } }]);
    expect(slow[1]).toMatchObject({ ok: false, expected: 'median <2000 ms', actual: '2500 ms' });
    const hung = measured({ mitigation: 'mirror-list', fail: 0, timeout: 4, failureClasses: { deadline: 4 } });
    expect(checkExpectations({ 'mirror-list': { medianMs: '>=60000' } }, [hung])[0]).toMatchObject({ ok: true, actual: 'censored (past the deadline)' });
    expect(checkExpectations(want, [])[0]).toMatchObject({ ok: false, actual: 'no trial of this cell' });
    expect(checkExpectations(want, [{ ...ok, n: 2, ok: 0, harnessError: 2 }])[0]).toMatchObject({ ok: false, actual: 'only harness errors (2)' });
  });

  it('everyFaultActs: met when every counted fault acted in the cell, failed naming the ones that never did', () => {
    const want = { baseline: { everyFaultActs: true as const } };
    const acted = { 'dns-delay proxy.golang.org': { total: 4 }, 'dns-delay gomod.example': { total: 0 } };
    expect(checkExpectations(want, [measured({ faultsActed: acted })])[0]).toMatchObject({ ok: false, expected: 'every fault acts', actual: 'never acted: dns-delay gomod.example' });
    expect(checkExpectations(want, [measured({ faultsActed: { 'dns-delay proxy.golang.org': { total: 4 } } })])[0]).toMatchObject({ ok: true, actual: 'all 1 acted' });
    expect(checkExpectations(want, [measured()])[0]).toMatchObject({ ok: false, actual: 'no fault counted' });
  });

  it('is validated at load: a bad comparison, an unknown cell, an unknown field', () => {
    expect(loadError({ name: 'x', expect: { baseline: { successRate: 'most' } } })).toContain('s.ts: expect.baseline.successRate: got "most"; allowed: a comparison with a number');
    expect(loadError({ name: 'x', mitigations: ['http2-off'], expect: { 'http2-of': { outcome: 'ok' } } })).toContain(`s.ts: expect: got "http2-of"; allowed: the scenario's cells ["baseline","http2-off"]`);
    const mirrors = { name: 'x', mirrors: ['goproxy.example'] };
    expect(validateScenario({ ...mirrors, mitigations: ['mirror-list'], expect: { 'mirror-list': { outcome: 'ok' } } }, 's.ts').expect).toEqual({ 'mirror-list(goproxy.example,default)': { outcome: 'ok' } });
    const two = { ...mirrors, mitigations: [{ name: 'mirror-list', mirrors: ['goproxy.example'], separator: [',', '|'] }], expect: { 'mirror-list': { outcome: 'ok' } } };
    expect(loadError(two)).toContain('expect: got "mirror-list"; names 2 cells; use one of their names ["mirror-list(goproxy.example,default)","mirror-list(goproxy.example|default)"]');
    expect(loadError({ name: 'x', expect: { baseline: { outcom: 'ok' } } })).toMatch(/s\.ts: unknown field expect\.baseline\.outcom; allowed: outcome, failureClass, successRate, medianMs, everyFaultActs/);
    expect(loadError({ name: 'x', expect: { baseline: { outcome: 'broken' } } })).toContain('expect.baseline.outcome: got "broken"; allowed: one of "ok", "fail", "timeout"');
    expect(validateScenario({ name: 'x', expect: { baseline: { outcome: 'ok' } } }, 's.ts').expect).toEqual({ baseline: { outcome: 'ok' } });
  });

  it('every report shows them; a failed one is a JUnit failure', () => {
    const record = (rep: number): TrialRecord => ({
      schema: RECORD_SCHEMA, scenario: 's', mitigation: 'baseline', rep, trial: rep, backend: 'netns', goVersion: 'go1.26.8', outcome: 'ok', failureClass: null,
      durationMs: 100 + rep, mitigationSetupMs: 0, attempts: 1, wallMs: 120, exitCode: 0, modules: 3, bytes: 10,
      dns: { queries: 2, byName: {}, failed: 0 }, tcp: { connections: 1 }, tls: { handshakes: 1, sni: {} },
      http: { requests: 3, h1: 0, h2: 3, byStatus: {}, bytes: 10 }, firewall: {}, proxy: { connects: 0, byStatus: {} }, stderrTail: '', startedAt: '2026-11-30T00:00:00Z', seed: 1,
    });
    const report = buildReport([0, 1, 2].map(record), {}, { title: 't', expectations: { s: { baseline: { outcome: 'fail', medianMs: '<1000' } } } });
    expect(report.scenarios[0]!.expectations!.map((e) => e.ok)).toEqual([false, true]);
    const md = markdownReporter.render(report, []);
    expect(md).toContain('**Expectations: 1 of 2 FAILED**');
    expect(md).toContain('- **FAILED** baseline: expected every trial fail, got ok 3/3');
    const junit = junitReporter.render(report, []);
    expect(junit).toContain('<testsuite name="s" tests="3" failures="1">');
    expect(junit).toContain('<failure message="expectation failed: baseline: expected every trial fail, got ok 3/3">');
    expect(renderHtml(report)).toMatch(/<div class="expectations warning" role="alert"><h3>Expectations: 1 of 2 FAILED<\/h3>/);
  });
});
