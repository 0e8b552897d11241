import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    expect(report.reportSchema).toBe(1);
    expect(report.scenarios[0].cells[0]).toMatchObject({ mitigation: 'baseline', n: 8, ok: 8, vsBaseline: null });
    expect(readFileSync(join(out, 'base', 'results.csv'), 'utf8').trim().split('\n')).toHaveLength(9);
    expect(readFileSync(join(out, 'base', 'junit.xml'), 'utf8')).toContain('<testcase classname="gate" name="baseline"');
  });

  it('compare flags a planted regression (200 ms more WAN latency) and exits 1', async () => {
    expect((await runCli(['run', 'test/fixtures/scenarios/latency-slow.ts', '--out', join(out, 'slow')])).code).toBe(0);
    const result = await runCli(['compare', join(out, 'base', 'report.json'), join(out, 'slow', 'report.json')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\| gate \| baseline go1\.\d+\.\d+ \| .* \| REGRESSION \|/);
    expect(result.stdout).toContain('1 regression(s)');
  });

  it('compare passes two runs of the same setup', async () => {
    expect((await runCli(['run', 'test/fixtures/scenarios/latency-base.ts', '--out', join(out, 'again')])).code).toBe(0);
    const result = await runCli(['compare', join(out, 'base', 'report.json'), join(out, 'again', 'report.json')]);
    expect(result.stdout).toContain('no regression');
    expect(result.code).toBe(0);
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
