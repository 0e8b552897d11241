import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRecords, runCli, startCli, waitFor } from '../helpers.ts';

const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-lanes-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
// twelve short trials behind a 40 ms WAN: a waiting scenario, cut in slices on 2 lanes
const FIXTURE = 'test/fixtures/scenarios/resume.ts';

const key = (r: Record<string, any>) => `${r.scenario}#${r.trial} ${r.mitigation} ${r.goVersion} rep${r.rep}`;
const runFile = (dir: string) => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { lanes: { parallel: number; chosen: string }; load: { samples: number; maxLoad1: number } };

describe('lanes: several sandboxes at once', () => {
  it('a 2-lane run interrupted and resumed has the records of the serial run; --parallel 1 is the serial order', async () => {
    const serialDir = join(out, 'serial');
    const serial = await runCli(['run', FIXTURE, '--out', serialDir, '--parallel', '1']);
    expect(serial.code).toBe(0);
    const serialRecords = readRecords(join(serialDir, 'results.jsonl'));
    // one lane: the plan's order, every record says lane 1
    expect(serialRecords.map((r) => r.trial)).toEqual([...Array(12).keys()]);
    expect(serialRecords.every((r) => r.lane === 1)).toBe(true);
    // one lane: nothing to admit, the trials run back to back
    expect(serialRecords.some((r) => 'admission' in r)).toBe(false);
    expect(runFile(serialDir).lanes).toMatchObject({ parallel: 1, chosen: 'flag' });

    const dir = join(out, 'lanes');
    const results = join(dir, 'results.jsonl');
    const cli = startCli(['run', FIXTURE, '--out', dir, '--parallel', '2']);
    await waitFor('three recorded trials', () => existsSync(results) && readFileSync(results, 'utf8').split('\n').length > 3);
    cli.child.kill('SIGINT');
    const first = await cli.done;
    expect(first.code).toBe(130);
    const kept = readRecords(results).length;
    expect(kept).toBeLessThan(12);
    const second = await runCli(['run', FIXTURE, '--out', dir, '--resume', '--parallel', '2']);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`${12 - kept} to run, `);
    expect(second.stderr).toContain('2 lane(s)');

    const records = readRecords(results);
    expect(records.map(key).sort()).toEqual(serialRecords.map(key).sort());
    expect(new Set(records.map((r) => r.lane))).toEqual(new Set([1, 2]));
    // within each lane's sandbox (of each segment) the trials keep the plan's order
    for (const segment of [records.slice(0, kept), records.slice(kept)]) {
      for (const lane of [1, 2]) {
        const order = segment.filter((r) => r.lane === lane).map((r) => r.trial);
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }
    }
    // every trial of the lanes was admitted; those that ran as CPU-bound never overlapped each other in time
    expect(records.every((r) => r.admission && typeof r.cpuMs === 'number')).toBe(true);
    const held = records.filter((r) => r.admission.cpu && !r.admission.capped).map((r) => ({ start: Date.parse(r.startedAt), end: Date.parse(r.startedAt) + r.wallMs }));
    expect(records.filter((r) => r.admission.basis === 'first').length).toBeGreaterThanOrEqual(1);
    for (const a of held) for (const b of held) if (a !== b) expect(a.start < b.end && b.start < a.end).toBe(false);
    const run = runFile(dir);
    expect(run.lanes).toMatchObject({ parallel: 2, chosen: 'flag' });
    expect(run.load.samples).toBeGreaterThanOrEqual(1);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toMatch(/Lanes: 2 sandbox\(es\) at once .*Admission: 1 CPU token across lanes.* of \d+ trials ran as CPU-bound.*Machine load during the run/);
  });
});
