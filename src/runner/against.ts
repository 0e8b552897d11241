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
export function blocksPerSide(trialsPerSide: number, trialsPerBlock = 5): number {
  return Math.max(Math.min(2, trialsPerSide), Math.ceil(trialsPerSide / trialsPerBlock));
}

function split<T>(items: readonly T[], parts: number): T[][] {
  return Array.from({ length: parts }, (_, i) => items.slice(Math.floor((i * items.length) / parts), Math.floor(((i + 1) * items.length) / parts))).filter((p) => p.length > 0);
}

/**
 * Base and candidate trials in alternating blocks, ABBA order (base, cand, cand, base, base...):
 * a slow drift of the machine falls on both sides alike, and neither always runs first.
 */
export function interleaveBlocks<T>(base: readonly T[], candidate: readonly T[], blocks: number): Array<{ side: 'base' | 'candidate'; trials: T[] }> {
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
