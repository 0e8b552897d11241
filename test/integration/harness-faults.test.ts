import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { descendants, readRecords, runCli, startCli, waitFor } from '../helpers.ts';

const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-harness-faults-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const FIXTURE = 'test/fixtures/scenarios/resume.ts';

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
};
/** A process of this run (a descendant of the CLI we started) whose command line matches. */
const processOf = (root: number, test: (argv: string[]) => boolean) => descendants(root).find((pid) => test(cmdline(pid)));
const recordCount = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0);

/** Faults of the harness itself, injected for real: they become records, never a lost run. */
describe('the harness under faults of its own', () => {
  it('a component killed mid-run: its trials are harness-error records and the run finishes', async () => {
    const dir = join(out, 'killed-wan');
    // one lane: one WAN, so every trial after its death needs the dead one
    const cli = startCli(['run', FIXTURE, '--out', dir, '--parallel', '1']);
    const results = join(dir, 'results.jsonl');
    await waitFor('two recorded trials', () => recordCount(results) >= 2);
    // the WAN: the firewall's Go relay serving Toxiproxy (-wan-api), or toxiproxy-server without it
    const wan = processOf(cli.child.pid!, (argv) => argv.includes('-wan-api') || argv[0]!.includes('toxiproxy-server'));
    expect(wan, 'the run\'s WAN process').toBeDefined();
    process.kill(wan!, 'SIGKILL');
    const result = await cli.done;
    expect(result.code).toBe(0);
    const records = readRecords(results);
    expect(records).toHaveLength(12);
    const firstError = records.findIndex((r) => r.outcome === 'harness-error');
    expect(firstError).toBeGreaterThanOrEqual(2);
    // every trial after the kill needs the WAN (its latency fault, the reset after it)
    const errors = records.slice(firstError);
    expect(errors.every((r) => r.outcome === 'harness-error')).toBe(true);
    for (const r of errors) {
      expect(['harness', 'trial-reset']).toContain(r.failureClass);
      expect(r.stderrTail).toMatch(/the harness failed during this trial|could not be reset/);
    }
    expect(records.slice(0, 2).every((r) => r.outcome === 'ok')).toBe(true);
    expect(existsSync(join(dir, 'report.md'))).toBe(true);
    expect(descendants(cli.child.pid!)).toEqual([]);
  });

  it('the sandbox itself dies: what was measured is kept, the resume command printed, and resume finishes the run', async () => {
    const dir = join(out, 'killed-sandbox');
    const cli = startCli(['run', FIXTURE, '--out', dir]);
    const results = join(dir, 'results.jsonl');
    await waitFor('three recorded trials', () => recordCount(results) >= 3);
    // the run's process inside the sandbox (pid 1 of its namespaces)
    const inner = processOf(cli.child.pid!, (argv) => argv.some((a) => /sandbox[/\\]inner\.(ts|js)$/.test(a)));
    expect(inner, 'the sandbox\'s inner process').toBeDefined();
    process.kill(inner!, 'SIGKILL');
    const first = await cli.done;
    expect(first.code).not.toBe(0);
    expect(first.stderr).toMatch(/stopped by a failure of the sandbox: \d+ of 12 trials kept/);
    expect(first.stderr).toContain(`resume with: npx gomod-chaos run ${FIXTURE} --out ${dir} --resume`);
    const kept = readRecords(results).length;
    expect(kept).toBeGreaterThanOrEqual(3);
    expect(existsSync(join(dir, 'report.md'))).toBe(true);
    const second = await runCli(['run', FIXTURE, '--out', dir, '--resume']);
    expect(second.code).toBe(0);
    const records = readRecords(results);
    expect(records).toHaveLength(12);
    expect(new Set(records.map((r) => r.trial)).size).toBe(12);
  });

  it('two runs on the same --out at once: the second is refused, the first is untouched', async () => {
    const dir = join(out, 'locked');
    // long enough to still run while the others try: 200 trials in one lane (at 6 lanes a quiet
    // machine finished them before the third call, whose --resume then found nothing to do)
    const first = startCli(['run', FIXTURE, '--reps', '100', '--parallel', '1', '--out', dir]);
    await waitFor('the first run\'s first trial', () => recordCount(join(dir, 'results.jsonl')) >= 1);
    const second = await runCli(['run', FIXTURE, '--reps', '100', '--parallel', '1', '--out', dir]);
    expect(second.code).toBe(2);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).toMatch(/is in use by another run \(pid \d+\)/);
    const resumed = await runCli(['run', FIXTURE, '--reps', '100', '--parallel', '1', '--out', dir, '--resume']);
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toMatch(/is in use by another run/);
    first.child.kill('SIGINT');
    expect((await first.done).code).toBe(130);
    const records = readRecords(join(dir, 'results.jsonl'));
    expect(new Set(records.map((r) => r.trial)).size).toBe(records.length);
    // the lock goes with its run: resuming now works
    expect(existsSync(join(dir, '.gomod-chaos.lock'))).toBe(false);
  });

  it('two runs on different --out at once both finish', async () => {
    const [a, b] = await Promise.all(['para-a', 'para-b'].map((d) => runCli(['run', FIXTURE, '--reps', '2', '--out', join(out, d)])));
    expect(a!.code).toBe(0);
    expect(b!.code).toBe(0);
    expect(readRecords(join(out, 'para-a', 'results.jsonl'))).toHaveLength(4);
    expect(readRecords(join(out, 'para-b', 'results.jsonl'))).toHaveLength(4);
  });

  it('Ctrl-C at any moment, even between two sandboxes, stops cleanly with the report and the resume command', async () => {
    const dir = join(out, 'early-interrupt');
    // two scenarios: the interrupt lands while the run prepares, before or between sandboxes
    const cli = startCli(['run', FIXTURE, 'test/fixtures/scenarios/latency-base.ts', '--reps', '1', '--out', dir]);
    await waitFor('the run\'s first line', () => cli.child.pid && existsSync(join(dir, 'run.json')), 60_000);
    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain(`--out ${dir} --resume`);
    expect(existsSync(join(dir, 'report.md'))).toBe(true);
    expect(existsSync(join(dir, '.gomod-chaos.lock'))).toBe(false);
  });
});

