import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers.ts';

const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-report-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('reports and the compare gate (real runs)', () => {
  it('a run ends by writing all five outputs', async () => {
    expect((await runCli(['run', 'test/fixtures/scenarios/latency-base.ts', '--out', join(out, 'base')])).code).toBe(0);
    for (const file of ['report.json', 'report.md', 'report.html', 'junit.xml', 'results.csv']) expect(existsSync(join(out, 'base', file))).toBe(true);
    const report = JSON.parse(readFileSync(join(out, 'base', 'report.json'), 'utf8'));
    expect(report.reportSchema).toBe(2);
    expect(report.scenarios[0].cells[0]).toMatchObject({ mitigation: 'baseline', n: 8, ok: 8, vsBaseline: null });
    expect(readFileSync(join(out, 'base', 'results.csv'), 'utf8').trim().split('\n')).toHaveLength(9);
    expect(readFileSync(join(out, 'base', 'junit.xml'), 'utf8')).toContain('<testcase classname="gate" name="baseline"');
  });

  const run = async (fixture: 'base' | 'slow', reps: number, extra: string[] = []) => {
    const dir = join(out, `${fixture}${reps}${extra.length ? '-against' : ''}`);
    const result = await runCli(['run', `test/fixtures/scenarios/latency-${fixture}.ts`, '--reps', String(reps), '--out', dir, ...extra]);
    expect(result.code, result.stderr).toBe(0);
    return { dir, report: join(dir, 'report.json'), stdout: result.stdout };
  };

  it('compare: 200 ms more WAN latency, 5 vs 5 trials of separate runs, is a regression (exit 1) with p and the interval', async () => {
    const base = await run('base', 5);
    const slow = await run('slow', 5);
    const result = await runCli(['compare', base.report, slow.report]);
    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).toMatch(/\| gate \| baseline go1\.\d+\.\d+ \| .* \| REGRESSION \| time regressed \|/);
    expect(result.stdout).toMatch(/REGRESSION gate baseline go1\.\d+\.\d+: time \(slower: Mann-Whitney p 0\.0\d+, ratio [\d.]+× \[[\d.]+×–[\d.]+×\] lies above the between-run drift bound ±35%/);
    expect(result.stdout).toContain('1 regression(s)');
  });

  /** The first `reps` trials of a run, in a copy whose outputs `report` rebuilds: the same real trials, fewer of them. */
  const firstTrials = async (from: string, reps: number) => {
    const dir = `${from}-first${reps}`;
    cpSync(from, dir, { recursive: true });
    const lines = readFileSync(join(from, 'results.jsonl'), 'utf8').trim().split('\n');
    writeFileSync(join(dir, 'results.jsonl'), `${lines.slice(0, reps).join('\n')}\n`);
    const result = await runCli(['report', dir]);
    expect(result.code, result.stderr).toBe(0);
    return { report: join(dir, 'report.json') };
  };

  it('compare: the same with 3 vs 3 trials cannot reach alpha: inconclusive, exit 3 (0 with --allow-inconclusive)', async () => {
    // the first 3 trials of each 5-trial run of the test above
    const base = await firstTrials(join(out, 'base5'), 3);
    const slow = await firstTrials(join(out, 'slow5'), 3);
    const result = await runCli(['compare', base.report, slow.report]);
    expect(result.code, result.stdout).toBe(3);
    expect(result.stdout).toContain('3 vs 3 timed trials: the smallest possible p is 0.10; need >= 4 per side');
    expect((await runCli(['compare', base.report, slow.report, '--allow-inconclusive'])).code).toBe(0);
  });

  it('compare: two runs of the same setup never read as a regression', async () => {
    const result = await runCli(['compare', join(out, 'base', 'report.json'), join(out, 'base5', 'report.json')]);
    expect(result.stdout).not.toContain('REGRESSION');
    expect([0, 3]).toContain(result.code);
  });

  it('compare: a base cell missing from the candidate is not a pass (exit 3)', async () => {
    const candidate = JSON.parse(readFileSync(join(out, 'base5', 'report.json'), 'utf8'));
    const withMitigation = JSON.parse(readFileSync(join(out, 'base', 'report.json'), 'utf8'));
    withMitigation.scenarios[0].cells.push({ ...withMitigation.scenarios[0].cells[0], mitigation: 'http2-off' });
    writeFileSync(join(out, 'two-cells.json'), JSON.stringify(withMitigation));
    writeFileSync(join(out, 'one-cell.json'), JSON.stringify(candidate));
    const result = await runCli(['compare', join(out, 'two-cells.json'), join(out, 'one-cell.json')]);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/MISSING from the candidate .*: gate http2-off go1/);
  });

  it('run --against interleaves base and candidate in one run; compare of that report exits 1', async () => {
    const against = await run('slow', 5, ['--against', 'test/fixtures/scenarios/latency-base.ts']);
    const records = readFileSync(join(against.dir, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).scenario as string);
    expect(records.filter((s) => s === 'gate@base')).toHaveLength(5);
    expect(records.filter((s) => s === 'gate')).toHaveLength(5);
    // blocks alternate: neither side ran all its trials first
    expect(records.slice(0, 5).every((s) => s === records[0])).toBe(false);
    expect(against.stdout).toContain('one run: base and candidate trials interleaved');
    const result = await runCli(['compare', against.report]);
    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).toMatch(/lies above the minimum effect ±5%/);
  });

  it('report rebuilds every output from results.jsonl, skipping a torn line by its number', async () => {
    const dir = join(out, 'base');
    appendFileSync(join(dir, 'results.jsonl'), '{"schema":1,"scenario":"gate","mitig');
    rmSync(join(dir, 'report.html'));
    const result = await runCli(['report', dir]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/results\.jsonl:9: not a complete JSON record; skipped/);
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).skippedLines).toHaveLength(1);
  });

  it('an unknown schema is a clear error, never a stack trace', async () => {
    const dir = join(out, 'future');
    rmSync(dir, { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'results.jsonl'), '{"schema":99,"scenario":"x"}\n');
    const result = await runCli(['report', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/results\.jsonl:1: record schema 99 is not one this version reads/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    writeFileSync(join(dir, 'report.json'), '{"reportSchema":99}');
    const compare = await runCli(['compare', join(dir, 'report.json'), join(out, 'base', 'report.json')]);
    expect(compare.code).toBe(2);
    expect(compare.stderr).toMatch(/reportSchema 99 is not one this version reads/);
  });
});
