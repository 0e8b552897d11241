import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { runScenarios } from '../src/commands/run.ts';
import { readResults } from '../src/report/results.ts';
import type { TrialRecord } from '../src/runner/record.ts';
import type { ScenarioDefinition } from '../src/scenario/define.ts';
import { validateScenario } from '../src/scenario/load.ts';

const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-faults-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
let runs = 0;

/** A small corpus: fault tests are about the symptom, not the volume. */
export const SMALL_CORPUS = { modules: 4, depth: 2, fanout: 2, maxVersions: 1, zipSizeKB: { median: 8, sigma: 0 } } as const;

/**
 * Runs a scenario (real sandbox, real go, real Toxiproxy) and returns its trial records.
 * Defaults: the small corpus, baseline only, one repetition, a 30 s deadline.
 */
export async function runFaultScenario(def: Omit<ScenarioDefinition, 'name'> & { name?: string }): Promise<TrialRecord[]> {
  const scenario = validateScenario({ name: `fault-${++runs}`, corpus: SMALL_CORPUS, reps: 1, timeout: '30s', ...def }, 'test');
  const run = await runScenarios({ scenarios: [scenario], outDir: join(out, scenario.name), quiet: true });
  return readResults(run.resultsFile).records;
}

export function only<T>(records: readonly T[]): T {
  if (records.length !== 1) throw new Error(`expected one record, got ${records.length}`);
  return records[0]!;
}

/** The trial of one mitigation cell among a run's records. */
export function cell(records: readonly TrialRecord[], name: string): TrialRecord {
  const r = records.find((x) => x.mitigation === name);
  if (!r) throw new Error(`no trial of ${name}: ${records.map((x) => x.mitigation).join(', ')}`);
  return r;
}
