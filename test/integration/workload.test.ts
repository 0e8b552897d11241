import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRecords, runCli } from '../helpers.ts';

const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-workload-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('workloads: named go commands and zx scripts, real go through the fake internet', () => {
  it('a script runs two commands and its record shows both', async () => {
    const dir = join(out, 'ok');
    const result = await runCli(['run', 'test/fixtures/scenarios/zx-workload.ts', '--out', dir]);
    expect(result.code, result.stderr.slice(-1500)).toBe(0);
    const records = readRecords(join(dir, 'results.jsonl'));
    expect(records.length).toBe(1);
    const [r] = records;
    expect(r).toMatchObject({ outcome: 'ok', failureClass: null, workload: 'script' });
    expect(r!.commands).toEqual([
      expect.objectContaining({ command: 'go mod download', exitCode: 0 }),
      expect.objectContaining({ command: 'go list -m all', exitCode: 0 }),
    ]);
    // the commands really crossed the fake internet (its DNS, its origin)
    expect(r!.http.requests).toBeGreaterThan(0);
    expect(r!.dns.queries).toBeGreaterThan(0);
  }, 120_000);

  it('the first failing command ends the script and its stderr gives the class', async () => {
    const dir = join(out, 'fails');
    const result = await runCli(['run', 'test/fixtures/scenarios/zx-workload-fails.ts', '--out', dir]);
    expect(result.code, result.stderr.slice(-1500)).toBe(0);
    const [r] = readRecords(join(dir, 'results.jsonl'));
    expect(r!.commands).toHaveLength(2);
    expect(r!.commands[0]).toMatchObject({ exitCode: 0 });
    expect(r!.commands[1]).toMatchObject({ command: 'go mod download -x gomod.example/no-such-module@v1.0.0', exitCode: 1 });
    // the origin answers 404 for a module it does not have
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'http-404', workload: 'script' });
    expect(r!.stderrTail).toContain('gomod.example/no-such-module');
  }, 120_000);

  it('--workload build and test compile the corpus\'s workload through the fake internet', async () => {
    for (const workload of ['build', 'test']) {
      const dir = join(out, workload);
      const result = await runCli(['run', 'test/fixtures/scenarios/tiny.ts', '--reps', '1', '--workload', workload, '--out', dir]);
      expect(result.code, result.stderr.slice(-1500)).toBe(0);
      const records = readRecords(join(dir, 'results.jsonl'));
      expect(records).toHaveLength(2);
      const command = workload === 'build' ? 'go build ./...' : "go test -count=1 -run ^$ ./...";
      for (const r of records) {
        expect(r, r.stderrTail).toMatchObject({ outcome: 'ok', workload, commands: [expect.objectContaining({ command, exitCode: 0 })] });
        expect(r.http.byStatus['200']).toBeGreaterThan(0);
      }
    }
  }, 300_000);

  it('--workload names only what exists', async () => {
    const bad = await runCli(['run', 'scenarios/clean.ts', '--workload', 'deploy']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--workload: got "deploy"; allowed: "download", "build", "test"/);
  });
});
