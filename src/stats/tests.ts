import type { Random } from '../random.ts';
import { binomialHalfCdf, logChoose, normalCdf, normalQuantile } from './distributions.ts';

/** Ascending order that also orders Infinity (x - y would give NaN for two of them). */
const ascending = (x: number, y: number) => (x === y ? 0 : x < y ? -1 : 1);

/** Sorts ascending; Infinity stands for a censored (timed-out) trial, larger than any time. */
function sorted(values: readonly number[]): number[] {
  return [...values].sort(ascending);
}

/** Quantile, R/numpy type 7 (linear). Null when it falls among censored values or there is no data. */
export function quantile(values: readonly number[], p: number): number | null {
  const x = sorted(values);
  if (x.length === 0) return null;
  const idx = (x.length - 1) * p;
  const lo = Math.floor(idx);
  const hi = Math.ceil(idx);
  const value = x[lo]! + (idx - lo) * (x[hi]! - x[lo]!);
  return Number.isFinite(value) ? value : null;
}

export interface MedianInterval {
  median: number | null;
  low: number | null;
  high: number | null;
}

/**
 * Median with a distribution-free confidence interval from order statistics: the ranks l and
 * n+1-l such that P(Binomial(n, 1/2) < l) <= alpha/2. Censored values (Infinity) make a bound null.
 */
export function medianInterval(values: readonly number[], alpha = 0.05): MedianInterval {
  const x = sorted(values);
  const n = x.length;
  if (n === 0) return { median: null, low: null, high: null };
  const finite = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : null);
  const median = quantile(x, 0.5);
  let l = 0;
  while (l + 1 <= n && binomialHalfCdf(l, n) <= alpha / 2) l++;
  // l is the largest rank with P(B <= l-1) <= alpha/2; with too few trials there is no interval
  if (l === 0) return { median, low: null, high: null };
  return { median, low: finite(x[l - 1]), high: finite(x[n - l]) };
}

export interface Proportion {
  value: number | null;
  low: number | null;
  high: number | null;
}

/** A proportion with its Wilson score interval. */
export function wilson(successes: number, n: number, alpha = 0.05): Proportion {
  if (n === 0) return { value: null, low: null, high: null };
  const z = normalQuantile(1 - alpha / 2);
  const p = successes / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return { value: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Two-sided Mann-Whitney U test, normal approximation with tie and continuity corrections (as
 * scipy.stats.mannwhitneyu(method='asymptotic')). Infinity (censored) ranks above every time.
 */
export function mannWhitney(a: readonly number[], b: readonly number[]): { u: number; p: number } | null {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return null;
  const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((x, y) => (x.v === y.v ? 0 : x.v < y.v ? -1 : 1));
  const ranks = new Array<number>(all.length);
  let tieTerm = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[k] = rank;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  const r1 = all.reduce((s, item, i) => (item.g === 0 ? s + ranks[i]! : s), 0);
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const mu = (n1 * n2) / 2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (sigma === 0) return { u: u1, p: 1 };
  const uMax = Math.max(u1, n1 * n2 - u1);
  const z = (uMax - mu - 0.5) / sigma;
  return { u: u1, p: Math.min(1, 2 * (1 - normalCdf(z))) };
}

/**
 * Fisher's exact test, two-sided, on [[a, b], [c, d]]: the probability of every table with the
 * same margins at most as likely as the observed one (as scipy.stats.fisher_exact).
 */
export function fisherExact(a: number, b: number, c: number, d: number): number {
  const row1 = a + b;
  const col1 = a + c;
  const n = a + b + c + d;
  const logP = (x: number) => logChoose(col1, x) + logChoose(n - col1, row1 - x) - logChoose(n, row1);
  const observed = logP(a);
  let p = 0;
  for (let x = Math.max(0, row1 + col1 - n); x <= Math.min(row1, col1); x++) {
    const lp = logP(x);
    if (lp <= observed + 1e-7) p += Math.exp(lp);
  }
  return Math.min(1, p);
}

/** Holm's step-down adjustment of a family of p-values (order preserved). */
export function holm(pValues: readonly number[]): number[] {
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p);
  const adjusted = new Array<number>(pValues.length);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (pValues.length - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

/**
 * Percentile bootstrap interval of median(candidate) / median(baseline), seeded. Censored values
 * resample like any other; a resample whose median is censored gives an infinite ratio.
 */
export function bootstrapMedianRatio(candidate: readonly number[], baseline: readonly number[], random: Random, resamples = 2_000, alpha = 0.05): { ratio: number | null; low: number | null; high: number | null } {
  const mc = quantile(candidate, 0.5);
  const mb = quantile(baseline, 0.5);
  const ratio = mc !== null && mb !== null && mb > 0 ? mc / mb : null;
  if (candidate.length === 0 || baseline.length === 0) return { ratio, low: null, high: null };
  const resample = (values: readonly number[]) => {
    const out = new Array<number>(values.length);
    for (let i = 0; i < values.length; i++) out[i] = values[random.int(0, values.length - 1)]!;
    return out.sort(ascending);
  };
  const medianOf = (x: number[]) => {
    const idx = (x.length - 1) / 2;
    const lo = x[Math.floor(idx)]!;
    const hi = x[Math.ceil(idx)]!;
    return lo === hi ? lo : lo + (hi - lo) / 2;
  };
  const ratios: number[] = [];
  for (let i = 0; i < resamples; i++) {
    const b = medianOf(resample(baseline));
    const c = medianOf(resample(candidate));
    ratios.push(b > 0 ? c / b : Infinity);
  }
  ratios.sort(ascending);
  const at = (p: number) => {
    const v = ratios[Math.min(ratios.length - 1, Math.max(0, Math.floor(p * ratios.length)))]!;
    return Number.isFinite(v) ? v : null;
  };
  return { ratio, low: at(alpha / 2), high: at(1 - alpha / 2) };
}
