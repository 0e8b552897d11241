import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRecords, runCli, startCli, waitFor } from '../helpers.ts';

const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-runner-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const FIXTURE = 'test/fixtures/scenarios/resume.ts';

/** The cells of a run, as comparable strings: trial position, mitigation, go version, rep. */
function cells(dir: string): string[] {
  return readRecords(join(dir, 'results.jsonl'))
    .map((r) => `${r.scenario}#${r.trial} ${r.mitigation} ${r.goVersion} rep${r.rep}`)
    .sort();
}

describe('the matrix runner', () => {
  let uninterrupted: string[] = [];

  it('runs every mitigation x repetition in a seeded interleaved order', async () => {
    const result = await runCli(['run', FIXTURE, '--out', join(out, 'full')]);
    expect(result.code).toBe(0);
    uninterrupted = cells(join(out, 'full'));
    expect(uninterrupted).toHaveLength(12);
    const order = readRecords(join(out, 'full', 'results.jsonl')).map((r) => r.mitigation);
    // interleaved: not all of one mitigation first
    expect(order.slice(0, 6)).not.toEqual(Array(6).fill(order[0]));
  });

  it('interrupted halfway and resumed, it has the same trials as the uninterrupted run', async () => {
    const dir = join(out, 'resumed');
    const cli = startCli(['run', FIXTURE, '--out', dir]);
    const results = join(dir, 'results.jsonl');
    await waitFor('three recorded trials', () => existsSync(results) && readFileSync(results, 'utf8').split('\n').length > 3);
    cli.child.kill('SIGINT');
    const first = await cli.done;
    expect(first.code).toBe(130);
    expect(first.stderr).toMatch(/interrupted: \d+ of 12 trials kept/);
    expect(first.stderr).toContain(`resume with: npx gomod-chaos run ${FIXTURE} --out ${dir} --resume`);
    const kept = cells(dir).length;
    expect(kept).toBeLessThan(12);

    const second = await runCli(['run', FIXTURE, '--out', dir, '--resume']);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`${12 - kept} to run`);
    expect(cells(dir)).toEqual(uninterrupted);
  });

  it('two shards merged equal the unsharded run', async () => {
    // the two shards at once, as two CI jobs would run them
    const shards = await Promise.all(['1/2', '2/2'].map((shard) => runCli(['run', FIXTURE, '--shard', shard, '--out', join(out, `shard-${shard[0]}`)])));
    for (const shard of shards) expect(shard.code, shard.stderr).toBe(0);
    expect(cells(join(out, 'shard-1'))).toHaveLength(6);
    const merged = await runCli(['merge', join(out, 'shard-1'), join(out, 'shard-2'), '--out', join(out, 'merged')]);
    expect(merged.code).toBe(0);
    expect(cells(join(out, 'merged'))).toEqual(uninterrupted);
    expect(readFileSync(join(out, 'merged', 'report.md'), 'utf8')).toContain('(6/6)');
  });

  it('refuses what would mix experiments or overwrite measurements', async () => {
    const resumeOther = await runCli(['run', FIXTURE, '--out', join(out, 'full'), '--resume', '--reps', '3']);
    expect(resumeOther.code).toBe(2);
    expect(resumeOther.stderr).toMatch(/--resume: .* holds a different run \(scenario resume reps: 6 vs 3\)/);
    const overwrite = await runCli(['run', FIXTURE, '--out', join(out, 'full')]);
    expect(overwrite.code).toBe(2);
    expect(overwrite.stderr).toContain('already holds results.jsonl: add --resume');
    const badShard = await runCli(['run', FIXTURE, '--shard', '5/4']);
    expect(badShard.code).toBe(2);
    expect(badShard.stderr).toContain('--shard: got "5/4"; allowed: i/n with 1 <= i <= n');
    const many = await runCli(['run', FIXTURE, '--reps', '2', '--out', join(out, 'other')]);
    expect(many.code).toBe(0);
    const mixed = await runCli(['merge', join(out, 'full'), join(out, 'other'), '--out', join(out, 'x')]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/is not the same run as .*: scenario resume reps: 6 vs 2/);
    expect(cells(join(out, 'full'))).toEqual(uninterrupted);
  });

  it('a scenario with several faults and ten mitigations runs end to end', async () => {
    const result = await runCli(['run', 'test/fixtures/scenarios/many.ts', '--out', join(out, 'many')]);
    expect(result.code).toBe(0);
    const records = readRecords(join(out, 'many', 'results.jsonl'));
    expect(new Set(records.map((r) => r.mitigation)).size).toBe(12);
    expect(records.every((r) => r.outcome !== 'harness-error')).toBe(true);
    expect(records.find((r) => r.mitigation === 'warm-proxy')?.outcome).toBe('ok');
  });

  it('go versions are a matrix dimension: --go fetches another toolchain through the GOPROXY', async () => {
    const result = await runCli(['run', FIXTURE, '--reps', '1', '--go', 'go1.22.12', '--out', join(out, 'go122')]);
    expect(result.code).toBe(0);
    const records = readRecords(join(out, 'go122', 'results.jsonl'));
    expect(records.map((r) => r.goVersion)).toEqual(['go1.22.12', 'go1.22.12']);
    expect(records.every((r) => r.outcome === 'ok')).toBe(true);
  }, 300_000);
});
