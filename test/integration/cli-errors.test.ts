import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.ts';

/** Bad input: one line naming the problem and the fix, exit 2, no stack trace. */
function expectOneLineError(result: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(result.code).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('bad input', () => {
  it('GOPROXY=direct on a project whose public modules have no repositories in the fake internet', async () => {
    // .ci/run made this fixture's snapshot; nothing starts (the refusal comes before any sandbox)
    const out = join(tmpdir(), `gomod-chaos-direct-project-${process.pid}`);
    expectOneLineError(await runCli(['run', 'test/fixtures/scenarios/vcs-direct.ts', '--project', 'test/fixtures/project-small', '--out', out]), /vcs-direct: mitigation goproxy-direct sets GOPROXY=direct, but the fake internet serves a project's public modules through module proxies only .* mark your own modules GOPRIVATE$/);
    expect(existsSync(join(out, 'results.jsonl'))).toBe(false);
  });

  it('a missing scenario path', async () => {
    expectOneLineError(await runCli(['run', 'scenarios/does-not-exist.ts']), /scenario file not found: scenarios\/does-not-exist\.ts \(try one of scenarios/);
  });

  it('a syntax error in a scenario file', async () => {
    expectOneLineError(await runCli(['run', 'test/fixtures/scenarios/syntax-error.ts']), /cannot load scenario test\/fixtures\/scenarios\/syntax-error\.ts:5:11: Unexpected token `,`.*fix the file/);
  });

  it('invalid fields in a scenario file name field, value and what is allowed', async () => {
    const result = await runCli(['run', 'test/fixtures/scenarios/bad-fields.ts']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('mitigations[1]: got "http3-on" (did you mean "http2-off"?); allowed: one of "baseline", "http2-off"');
    expect(result.stderr).toContain('timeout: got "soon"');
    expect(result.stderr).toContain('unknown field retries');
  });

  it('a bad fault: the file, the field path, the value and what is allowed; nothing starts', async () => {
    const out = join(tmpdir(), `gomod-chaos-never-${process.pid}`);
    const result = await runCli(['run', 'test/fixtures/scenarios/bad-fault.ts', '--out', out]);
    expectOneLineError(result, /test\/fixtures\/scenarios\/bad-fault\.ts: faults\[0\]\.latency: got "slow"; allowed: a duration/);
    expect(existsSync(out)).toBe(false);
  });

  it('a missing go', async () => {
    expectOneLineError(await runCli(['run', 'scenarios/clean.ts'], { GOMOD_CHAOS_GO: '/nonexistent/go' }), /GOMOD_CHAOS_GO=\/nonexistent\/go is not an executable go binary: fix the path or unset it/);
    expectOneLineError(await runCli(['run', 'scenarios/clean.ts'], { PATH: '/usr/bin:/bin' }), /go not found on PATH: install Go/);
  });

  it('a missing Toxiproxy', async () => {
    expectOneLineError(await runCli(['run', 'scenarios/clean.ts'], { GOMOD_CHAOS_TOXIPROXY: '/nonexistent/toxiproxy-server' }), /GOMOD_CHAOS_TOXIPROXY=\/nonexistent\/toxiproxy-server is not an executable file: .*gomod-chaos setup/);
  });

  it('bad flags', async () => {
    expectOneLineError(await runCli(['run', 'scenarios/clean.ts', '--reps', 'many']), /--reps: got "many"; allowed: a whole number/);
    expectOneLineError(await runCli(['run', 'scenarios/clean.ts', '--timeout', 'soon']), /--timeout: got "soon"; allowed: a duration/);
    expectOneLineError(await runCli(['run', 'scenarios/clean.ts', '--parallel', '0']), /--parallel: got "0"; allowed: a whole number from 1 to 64/);
    expectOneLineError(await runCli(['frobnicate']), /unknown command "frobnicate"; allowed: run, merge, report, trace, compare, doctor/);
  });
});
