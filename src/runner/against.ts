import { HarnessError } from '../errors.ts';
import type { Scenario } from '../scenario/load.ts';

/** The base of `run <candidate> --against <base>` is recorded as "<candidate name>@base". */
export const AGAINST_SUFFIX = '@base';

/** The base scenario under the name that pairs it with the candidate in the report and in `compare`. */
export function asBaseOf(base: Scenario, candidate: Scenario): Scenario {
  return { ...base, name: `${candidate.name}${AGAINST_SUFFIX}` };
}

export function checkAgainst(scenarios: readonly Scenario[]): void {
  if (scenarios.length !== 1) throw new HarnessError('BAD_INPUT', `--against compares one candidate scenario with one base: got ${scenarios.length} candidate scenarios`);
}

/** Blocks per side: each block is one sandbox start (~2 s), so a few trials per block. */
function blocksPerSide(trialsPerSide: number, trialsPerBlock = 5): number {
  return Math.max(Math.min(2, trialsPerSide), Math.ceil(trialsPerSide / trialsPerBlock));
}

function split<T>(items: readonly T[], parts: number): T[][] {
  return Array.from({ length: parts }, (_, i) => items.slice(Math.floor((i * items.length) / parts), Math.floor(((i + 1) * items.length) / parts))).filter((p) => p.length > 0);
}

/**
 * Base and candidate trials in alternating blocks, ABBA order (base, cand, cand, base, base...):
 * a slow drift of the machine falls on both sides alike, and neither always runs first.
 */
function interleaveBlocks<T>(base: readonly T[], candidate: readonly T[], blocks: number): Array<{ side: 'base' | 'candidate'; trials: T[] }> {
  const b = split(base, blocks);
  const c = split(candidate, blocks);
  const out: Array<{ side: 'base' | 'candidate'; trials: T[] }> = [];
  for (let i = 0; i < Math.max(b.length, c.length); i++) {
    const pair = [
      { side: 'base' as const, trials: b[i] },
      { side: 'candidate' as const, trials: c[i] },
    ];
    if (i % 2 === 1) pair.reverse();
    for (const p of pair) if (p.trials?.length) out.push({ side: p.side, trials: p.trials });
  }
  return out;
}

/** Fields that may differ between base and candidate when both run in one sandbox. */
const PER_TRIAL_FIELDS = new Set(['name', 'file', 'description', 'faults', 'expect']);

/**
 * True when base and candidate differ only in their faults (and name, file, description,
 * expectations): then both can share one sandbox and alternate trial by trial, each trial with its
 * own scenario's faults. Phases keep the blocks (a phase's state carries over).
 */
export function onlyFaultsDiffer(base: Scenario, candidate: Scenario): boolean {
  if (base.phases.length || candidate.phases.length) return false;
  const rest = (s: Scenario) => JSON.stringify(Object.entries(s).filter(([k]) => !PER_TRIAL_FIELDS.has(k)).sort(([a], [b]) => a.localeCompare(b)));
  return rest(base) === rest(candidate);
}

/**
 * Base and candidate trials one by one, in pairs whose order alternates (b0 c0, c1 b1, b2 c2...):
 * the k-th base and the k-th candidate trial run next to each other, a fraction of a second apart,
 * so a burst of load on the machine falls on both, and neither side always runs first.
 */
export function alternateTrials<T>(base: readonly T[], candidate: readonly T[]): T[] {
  const out: T[] = [];
  for (let k = 0; k < Math.max(base.length, candidate.length); k++) {
    const pair = [base[k], candidate[k]];
    if (k % 2 === 1) pair.reverse();
    for (const t of pair) if (t !== undefined) out.push(t);
  }
  return out;
}

/**
 * Sandboxes of a run made with --against: one sandbox alternating trial by trial when only the
 * faults differ (`perTrial`: the base's faults go with its trials), else alternating blocks.
 */
export function scheduleAgainst<T extends { scenario: string }>(base: Scenario, candidate: Scenario, remaining: readonly T[]): Array<{ scenario: Scenario; trials: T[]; perTrial?: Scenario }> {
  const b = remaining.filter((t) => t.scenario === base.name);
  const c = remaining.filter((t) => t.scenario === candidate.name);
  if (onlyFaultsDiffer(base, candidate)) return [{ scenario: candidate, trials: alternateTrials(b, c), perTrial: base }];
  return interleaveBlocks(b, c, blocksPerSide(Math.max(b.length, c.length))).map((blk) => ({ scenario: blk.side === 'base' ? base : candidate, trials: blk.trials }));
}
