import { normalCdf } from './distributions.ts';

/**
 * Paired statistics on differences d_i (here: log(candidate time) - log(base time) of trials run
 * next to each other): the Wilcoxon signed-rank test and the Hodges-Lehmann interval that goes
 * with it. A pair whose sides both hit the deadline has d = 0; one censored side gives ±Infinity,
 * which ranks above every finite difference.
 */

/**
 * Exact null distribution of the signed-rank statistic T+ for n untied, non-zero differences:
 * counts[t] = the number of the 2^n sign patterns whose positive ranks sum to t (t = 0..n(n+1)/2).
 */
export function signedRankCounts(n: number): number[] {
  const max = (n * (n + 1)) / 2;
  const counts = new Array<number>(max + 1).fill(0);
  counts[0] = 1;
  for (let rank = 1; rank <= n; rank++) {
    for (let t = max; t >= rank; t--) counts[t]! += counts[t - rank]!;
  }
  return counts;
}

/** P(T+ <= t) under the null, for n untied differences. */
function signedRankCdf(counts: readonly number[], n: number, t: number): number {
  let below = 0;
  for (let k = 0; k <= Math.min(t, counts.length - 1); k++) below += counts[k]!;
  return below / 2 ** n;
}

/** Average ranks of |d| (ties share their mean rank) and the tie term sum(t^3 - t). */
function absRanks(d: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = d.map((v, i) => ({ a: Math.abs(v), i })).sort((x, y) => (x.a === y.a ? 0 : x.a < y.a ? -1 : 1));
  const ranks = new Array<number>(d.length);
  let tieTerm = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]!.a === order[i]!.a) j++;
    for (let k = i; k <= j; k++) ranks[order[k]!.i] = (i + j) / 2 + 1;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  return { ranks, tieTerm };
}

/**
 * Two-sided Wilcoxon signed-rank test of "the differences are symmetric about 0". Zero differences
 * are dropped (Wilcoxon's method). Without ties among the |d| and n <= 50: the exact p,
 * 2 * min(P(T+ <= t), P(T+ >= t)), as scipy.stats.wilcoxon(d, method='exact'). Otherwise the
 * normal approximation with the tie correction and no continuity correction, as
 * scipy.stats.wilcoxon(d, method='approx'): z = (T+ - n(n+1)/4) / sqrt(n(n+1)(2n+1)/24 - sum(t^3-t)/48).
 */
export function wilcoxonSignedRank(differences: readonly number[]): { n: number; wPlus: number; p: number; exact: boolean } | null {
  const d = differences.filter((v) => v !== 0 && !Number.isNaN(v));
  const n = d.length;
  if (n === 0) return null;
  const { ranks, tieTerm } = absRanks(d);
  const wPlus = d.reduce((s, v, i) => (v > 0 ? s + ranks[i]! : s), 0);
  if (tieTerm === 0 && n <= 50) {
    const counts = signedRankCounts(n);
    const max = (n * (n + 1)) / 2;
    const low = signedRankCdf(counts, n, wPlus);
    const high = signedRankCdf(counts, n, max - wPlus);
    return { n, wPlus, p: Math.min(1, 2 * Math.min(low, high)), exact: true };
  }
  const mean = (n * (n + 1)) / 4;
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48);
  if (sd === 0) return { n, wPlus, p: 1, exact: false };
  const z = Math.abs(wPlus - mean) / sd;
  return { n, wPlus, p: Math.min(1, 2 * (1 - normalCdf(z))), exact: false };
}

/** The smallest two-sided p the signed-rank test can give with n pairs: every sign alike, 2 / 2^n. */
export function smallestSignedRankP(n: number): number {
  return n <= 0 ? 1 : Math.min(1, 2 / 2 ** n);
}

/**
 * Hodges-Lehmann estimate of the centre of the differences (the median of the n(n+1)/2 Walsh
 * averages (d_i + d_j) / 2, i <= j) and its distribution-free interval (Hollander & Wolfe,
 * Nonparametric Statistical Methods, 3rd ed., section 3.3): [W_(c), W_(M+1-c)] where M = n(n+1)/2
 * and c is the largest rank with P(T+ <= c - 1) <= alpha/2 under the exact null. It is the set of
 * shifts the signed-rank test does not reject; with too few pairs its bounds are null.
 */
export function hodgesLehmann(differences: readonly number[], alpha = 0.05): { estimate: number | null; low: number | null; high: number | null } {
  const d = differences.filter((v) => !Number.isNaN(v));
  const n = d.length;
  if (n === 0) return { estimate: null, low: null, high: null };
  const walsh: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) walsh.push(d[i]! === -d[j]! ? 0 : (d[i]! + d[j]!) / 2);
  walsh.sort((x, y) => (x === y ? 0 : x < y ? -1 : 1));
  const m = walsh.length;
  const mid = (m - 1) / 2;
  const finite = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : null);
  const [lo, hi] = [walsh[Math.floor(mid)]!, walsh[Math.ceil(mid)]!];
  const estimate = finite(lo === hi ? lo : (lo + hi) / 2);
  const counts = signedRankCounts(n);
  let c = 0;
  while (c + 1 <= m && signedRankCdf(counts, n, c) <= alpha / 2) c++;
  if (c === 0) return { estimate, low: null, high: null };
  return { estimate, low: finite(walsh[c - 1]), high: finite(walsh[m - c]) };
}
