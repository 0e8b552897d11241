import type { Mitigation } from '../mitigations/catalog.ts';
import { createRandom } from '../random.ts';

export interface PlannedTrial {
  mitigation: Mitigation;
  rep: number;
  trial: number;
}

/**
 * Every mitigation x repetition, in a seeded random interleaved order: machine drift during a
 * run then spreads over all cells instead of favouring the one that ran first.
 */
export function planTrials(mitigations: readonly Mitigation[], reps: number, seed: number): PlannedTrial[] {
  const cells = mitigations.flatMap((mitigation) => Array.from({ length: reps }, (_, rep) => ({ mitigation, rep })));
  return createRandom(seed).shuffle(cells).map((cell, trial) => ({ ...cell, trial }));
}
