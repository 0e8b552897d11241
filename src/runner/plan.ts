import { createHash } from 'node:crypto';
import { HarnessError } from '../errors.ts';
import { createRandom } from '../random.ts';
import type { Scenario } from '../scenario/load.ts';

/** One trial of a run: a cell (scenario x mitigation x go version) and a repetition. */
export interface PlannedTrial {
  scenario: string;
  /** Position in the scenario's shuffled order: with the scenario, the trial's identity. */
  trial: number;
  mitigation: string;
  goVersion: string;
  rep: number;
  /** The scenario's phase this trial belongs to (scenarios with `phases`). */
  phase?: string;
}

export interface Shard {
  index: number;
  count: number;
}

export function trialKey(t: { scenario: string; trial: number }): string {
  return `${t.scenario}#${t.trial}`;
}

/**
 * Every mitigation x go version x repetition of a scenario, in a seeded random interleaved order:
 * machine drift during a run then spreads over all cells instead of favouring the one that ran first.
 */
export function planScenario(scenario: Scenario, goVersions: readonly string[], reps: number, seed: number): PlannedTrial[] {
  const random = createRandom(seed);
  const cellsOf = (count: number) => scenario.mitigations.flatMap((m) => goVersions.flatMap((goVersion) => Array.from({ length: count }, (_, rep) => ({ mitigation: m.name, goVersion, rep }))));
  if (scenario.phases.length === 0) return random.shuffle(cellsOf(reps)).map((cell, trial) => ({ scenario: scenario.name, trial, ...cell }));
  // phases run in their order (state carries over); the cells interleave within each phase
  const phased = scenario.phases.flatMap((phase) => random.shuffle(cellsOf(phase.reps ?? reps)).map((cell) => ({ ...cell, phase: phase.name })));
  return phased.map((cell, trial) => ({ scenario: scenario.name, trial, ...cell }));
}

/** A deterministic slice of the whole plan: every count-th trial, starting at index-1. */
export function shardOf<T>(trials: readonly T[], shard: Shard | undefined): T[] {
  if (!shard) return [...trials];
  return trials.filter((_, i) => i % shard.count === shard.index - 1);
}

export function parseShard(value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) {
    throw new HarnessError('BAD_INPUT', `--shard: got ${JSON.stringify(value)}; allowed: i/n with 1 <= i <= n, e.g. 2/4`);
  }
  return { index, count };
}

/** What makes two runs (or shards) the same experiment: their results may be resumed or merged. */
export interface RunIdentity {
  scenarios: Array<{ name: string; fingerprint: string; reps: number; seed: number; timeoutMs: number }>;
  goVersions: string[];
}

export function scenarioFingerprint(scenario: Scenario): string {
  // expectations are checked after the run: changing one does not change the experiment
  const { file: _file, expect: _expect, ...content } = scenario;
  return createHash('sha256').update(JSON.stringify(content, (_key, value: unknown) => (typeof value === 'function' ? String(value) : value))).digest('hex').slice(0, 16);
}

/** Differences between two run identities, as field: a vs b (empty when they are the same experiment). */
export function identityDifferences(a: RunIdentity, b: RunIdentity): string[] {
  const out: string[] = [];
  const fmt = (v: unknown) => JSON.stringify(v);
  const names = (id: RunIdentity) => id.scenarios.map((s) => s.name);
  if (fmt(names(a)) !== fmt(names(b))) out.push(`scenarios: ${fmt(names(a))} vs ${fmt(names(b))}`);
  for (const sa of a.scenarios) {
    const sb = b.scenarios.find((x) => x.name === sa.name);
    if (!sb) continue;
    if (sa.fingerprint !== sb.fingerprint) out.push(`scenario ${sa.name}: its file changed (faults, mitigations, corpus...)`);
    for (const key of ['reps', 'seed', 'timeoutMs'] as const) if (sa[key] !== sb[key]) out.push(`scenario ${sa.name} ${key}: ${sa[key]} vs ${sb[key]}`);
  }
  if (fmt(a.goVersions) !== fmt(b.goVersions)) out.push(`goVersions: ${fmt(a.goVersions)} vs ${fmt(b.goVersions)}`);
  return out;
}
