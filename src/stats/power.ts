import { logChoose } from './distributions.ts';

/**
 * The smallest two-sided p a rank test (exact Mann-Whitney) or Fisher's exact test can give with
 * n1 vs n2 observations: the most extreme split of the ranks (or of the failures), 2 / C(n1+n2, n1).
 * 3 vs 3 gives 0.10: no such test can reach alpha 0.05, whatever the effect.
 */
export function smallestP(n1: number, n2: number): number {
  if (n1 <= 0 || n2 <= 0) return 1;
  return Math.min(1, 2 * Math.exp(-logChoose(n1 + n2, n1)));
}

/** Observations per side such that the smallest p, Holm-adjusted over `family` comparisons, is below alpha. */
export function neededPerSide(alpha: number, family = 1): number {
  let n = 1;
  while (smallestP(n, n) * family >= alpha && n < 1_000) n++;
  return n;
}
