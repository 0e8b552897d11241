import { existsSync, writeFileSync } from 'node:fs';
import { ensureOutDir } from '../out-dir.ts';
import { join, resolve } from 'node:path';
import { HarnessError } from '../errors.ts';
import { progress } from '../log.ts';
import { readResults } from '../report/results.ts';
import { writeReports } from '../report/write.ts';
import { identityDifferences, trialKey, type Shard } from '../runner/plan.ts';
import { readRunFile, writeRunFile } from '../runner/run-file.ts';
import type { TrialRecord } from '../runner/record.ts';
import { readTraces, writeTraces } from '../trace/file.ts';
import type { TrialTrace } from '../trace/schema.ts';

/**
 * `gomod-chaos merge <dirs> --out <dir>`: joins the shards of one run (CI matrix jobs) into one
 * results.jsonl and report. Refuses runs of different experiments.
 */
export function merge(dirs: readonly string[], outDir: string): { records: number; missingShards: number[] } {
  if (dirs.length === 0) throw new HarnessError('BAD_INPUT', 'merge takes the run folders to join: gomod-chaos merge reports/shard-* --out reports/all');
  if (existsSync(join(outDir, 'results.jsonl'))) {
    throw new HarnessError('BAD_INPUT', `--out ${outDir} already holds results.jsonl (another run's results): choose a new folder for the merged run (nothing is overwritten)`);
  }
  const runs = dirs.map((dir) => {
    const run = readRunFile(dir);
    if (!run) throw new HarnessError('BAD_INPUT', `${dir}: no run.json here (is it a run's --out folder?)`);
    return { dir, run };
  });
  const first = runs[0]!;
  for (const other of runs.slice(1)) {
    const differences = identityDifferences(first.run.identity, other.run.identity);
    if (differences.length) throw new HarnessError('BAD_INPUT', `${other.dir} is not the same run as ${first.dir}: ${differences.join('; ')}`);
  }
  const byKey = new Map<string, TrialRecord>();
  const traces = new Map<string, TrialTrace>();
  for (const { dir } of runs) {
    const { records, problems } = readResults(join(dir, 'results.jsonl'));
    for (const p of problems) progress(`warning: ${p}`);
    for (const r of records) byKey.set(trialKey(r), r);
    for (const t of readTraces(dir).traces) traces.set(trialKey(t), t);
  }
  const shards = runs.map((r) => r.run.shard).filter((s): s is Shard => s !== null);
  const count = shards[0]?.count;
  const missingShards = count ? Array.from({ length: count }, (_, i) => i + 1).filter((i) => !shards.some((s) => s.index === i)) : [];
  if (missingShards.length) progress(`warning: shards ${missingShards.join(', ')} of ${count} are not among the folders merged`);

  const out = ensureOutDir(outDir);
  const records = [...byKey.values()].sort((a, b) => a.scenario.localeCompare(b.scenario) || a.trial - b.trial);
  writeFileSync(join(out, 'results.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : ''));
  writeTraces(out, [...traces.entries()].filter(([key]) => byKey.has(key)).map(([, t]) => t));
  writeRunFile(out, { ...first.run, shard: null, mergedFrom: runs.map((r) => ({ dir: resolve(r.dir), shard: r.run.shard })) });
  writeReports(out, { title: `${first.run.identity.scenarios.map((s) => s.name).join(', ')} (merged from ${runs.length} folders)` });
  return { records: records.length, missingShards };
}
