import { hodgesLehmann, smallestSignedRankP, wilcoxonSignedRank } from '../stats/paired.ts';
import type { CellReport, Interval } from './model.ts';

/** Pairs of a run made with --against: the k-th timed trial of the base and of the candidate, in the order they started. */
function timePairs(cell: CellReport, base: CellReport): Array<[number | null, number | null]> | null {
  const c = cell.timesInOrderMs;
  const b = base.timesInOrderMs;
  if (!c || !b) return null;
  return Array.from({ length: Math.min(c.length, b.length) }, (_, k) => [b[k]!, c[k]!] as [number | null, number | null]);
}

/** log(candidate / base) of one pair; a side that hit the deadline (null) is larger than any time. */
function logRatio([base, cand]: [number | null, number | null]): number {
  if (base === null && cand === null) return 0;
  if (cand === null) return Infinity;
  if (base === null) return -Infinity;
  return Math.log(Math.max(cand, 1e-3)) - Math.log(Math.max(base, 1e-3));
}

export interface PairedTime {
  pairs: number;
  p: number;
  /** exp(Hodges-Lehmann) of the paired log-ratios: the typical candidate/base ratio, with its interval. */
  ratio: Interval;
}

/**
 * The paired time test of a run made with --against, or null when the run has no pairing or too
 * few pairs for the signed-rank test to reach alpha (Holm over `family`): then the two-sample
 * test decides. The choice depends on the number of pairs only, never on the data.
 */
export function pairedTime(cell: CellReport, base: CellReport, alpha: number, family: number): PairedTime | null {
  const pairs = timePairs(cell, base);
  if (!pairs || smallestSignedRankP(pairs.length) * family >= alpha) return null;
  const d = pairs.map(logRatio);
  const test = wilcoxonSignedRank(d);
  const hl = hodgesLehmann(d, alpha);
  const exp = (v: number | null) => (v === null ? null : Math.exp(v));
  return { pairs: pairs.length, p: test?.p ?? 1, ratio: { value: exp(hl.estimate), low: exp(hl.low), high: exp(hl.high) } };
}
