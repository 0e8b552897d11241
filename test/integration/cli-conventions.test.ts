import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers.ts';

const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-cli-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const FIXTURE = 'test/fixtures/scenarios/resume.ts';

/** Bad input: one line naming the problem and the fix, exit 2, no stack trace. */
function expectOneLineError(result: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(result.code).toBe(2);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

/** A scenario file outside the repository (it imports 'gomod-chaos' all the same). */
function scenarioFile(name: string, text: string): string {
  const file = join(out, name);
  writeFileSync(file, text);
  return file;
}

describe('CLI conventions', () => {
  it('--version prints the package version', async () => {
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('every command has --help with its flags and the exit codes, exit 0', async () => {
    for (const command of ['run', 'merge', 'compare', 'list']) {
      const result = await runCli([command, '--help']);
      expect(result.code, command).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^usage: gomod-chaos ${command}`));
      expect(result.stdout).toMatch(/^ {2}130 {2}interrupted/m);
    }
    expect((await runCli(['run', '--help'])).stdout).toContain('--shard i/n');
    const top = await runCli(['--help']);
    for (const code of ['0', '1', '2', '3', '130']) expect(top.stdout).toMatch(new RegExp(`^ {2}${code} +\\S`, 'm'));
  });

  it('list --json and doctor --json write only JSON on stdout', async () => {
    const list = await runCli(['list', '--json']);
    expect(list.code).toBe(0);
    const data = JSON.parse(list.stdout);
    expect(data.mitigations.map((m: { name: string }) => m.name)).toContain('http2-off');
    expect(data.scenarios.map((s: { file: string }) => s.file)).toContain('scenarios/clean.ts');
    const doctor = await runCli(['doctor', '--json']);
    const checks = JSON.parse(doctor.stdout);
    expect(checks.checks.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['node', 'go', 'git']));
    expect(doctor.code).toBe(checks.netnsCanRun ? 0 : 1);
  });

  it('did you mean: a command, a scenario file, a mitigation, a fault kind', async () => {
    expectOneLineError(await runCli(['rnu']), /unknown command "rnu" \(did you mean "run"\?\)/);
    expectOneLineError(await runCli(['run', 'scenarios/clena.ts']), /scenario file not found: scenarios\/clena\.ts \(did you mean "clean\.ts"\?\)/);
    const mitigation = scenarioFile('typo-mitigation.ts', "import { defineScenario } from 'gomod-chaos';\nexport default defineScenario({ name: 'typo', mitigations: ['htp2-off'] });\n");
    expectOneLineError(await runCli(['run', mitigation]), /mitigations\[0\]: got "htp2-off" \(did you mean "http2-off"\?\)/);
    const fault = scenarioFile('typo-fault.ts', "import { defineScenario } from 'gomod-chaos';\nexport default defineScenario({ name: 'typo', faults: [{ kind: 'dns-dealy', match: '*' }] });\n");
    expectOneLineError(await runCli(['run', fault]), /faults\[0\]\.kind: got "dns-dealy" \(did you mean "dns-delay"\?\)/);
  });

  it('a syntax error in a JavaScript scenario names file:line:column', async () => {
    const file = scenarioFile('broken.js', "export default {\n  name: 'x'\n  reps: 3,\n};\n");
    expectOneLineError(await runCli(['run', file]), new RegExp(`cannot load scenario ${file}:3:3: Unexpected identifier 'reps'`));
  });

  it('--out that is a file, under a file, or under /proc: one line, exit 2, promptly', async () => {
    const scenario = scenarioFile('ok.ts', "import { defineScenario } from 'gomod-chaos';\nexport default defineScenario({ name: 'ok', reps: 1 });\n");
    const file = scenarioFile('a-file', 'x');
    expectOneLineError(await runCli(['run', scenario, '--out', file]), /--out .*a-file is a file, not a folder/);
    expectOneLineError(await runCli(['run', scenario, '--out', join(file, 'sub')]), /--out .*a-file is a file, not a folder/);
    const started = Date.now();
    // recursive mkdir loops forever on /proc (ENOENT again and again): this must end on its own
    expectOneLineError(await runCli(['run', scenario, '--out', '/proc/gomod-chaos/x']), /--out \/proc\/gomod-chaos\/x: cannot create \/proc\/gomod-chaos \(ENOENT\)/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('run --json: one JSON document on stdout, progress on stderr; compare --json; merge never replaces a run', async () => {
    const dir = join(out, 'run');
    const run = await runCli(['run', FIXTURE, '--reps', '1', '--out', dir, '--json']);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc).toMatchObject({ outDir: dir, trials: 2, interrupted: false });
    expect(doc.report.scenarios[0].cells).toHaveLength(2);
    expect(run.stderr).toContain('report:');

    const compare = await runCli(['compare', join(dir, 'report.json'), join(dir, 'report.json'), '--json']);
    const cells = JSON.parse(compare.stdout).cells as Array<{ mitigation: string; verdict: string }>;
    expect(cells.map((c) => c.mitigation).sort()).toEqual(['baseline', 'http2-off']);

    const before = readFileSync(join(dir, 'results.jsonl'), 'utf8');
    expectOneLineError(await runCli(['merge', dir, '--out', dir]), /--out .* already holds results\.jsonl .*nothing is overwritten/);
    const other = join(out, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'results.jsonl'), '{}\n');
    expectOneLineError(await runCli(['merge', dir, '--out', other]), /already holds results\.jsonl/);
    expect(readFileSync(join(dir, 'results.jsonl'), 'utf8')).toBe(before);
    expect(existsSync(join(other, 'run.json'))).toBe(false);
  });
});
