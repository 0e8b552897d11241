import { readFileSync } from 'node:fs';
import type { Report } from '../src/report/model.ts';
import { normalQuantile } from '../src/stats/distributions.ts';

/**
 * What the noise of this machine lets the paired gate see. The Wilcoxon signed-rank test on paired
 * log-ratios with standard deviation `sd` behaves about like a z-test with standard error
 * sd / sqrt(ARE * n), ARE = 3/π (its efficiency against the t-test for normal noise; Lehmann,
 * Nonparametrics, ch. 3). The gate also needs the interval's lower end beyond log(1 + minEffect).
 */
const ARE = 3 / Math.PI;

function zSum(alpha: number, power: number): number {
  return normalQuantile(1 - alpha / 2) + normalQuantile(power);
}

/** The slowdown (a time ratio) that `pairs` pairs catch with probability `power`. */
export function detectableRatio(sd: number, pairs: number, alpha = 0.05, power = 0.9, minEffect = 0.05): number {
  return Math.exp(Math.log(1 + minEffect) + (zSum(alpha, power) * sd) / Math.sqrt(ARE * pairs));
}

/** Pairs needed to catch a slowdown `ratio` with probability `power`; null when it is within the minimum effect. */
export function pairsNeeded(sd: number, ratio: number, alpha = 0.05, power = 0.9, minEffect = 0.05): number | null {
  const margin = Math.log(ratio) - Math.log(1 + minEffect);
  if (margin <= 0) return null;
  return Math.ceil((zSum(alpha, power) * sd / margin) ** 2 / ARE);
}

/** log(candidate / base) of the k-th timed trials of a run made with --against (deadline hits left out). */
export function pairedLogRatios(reportPath: string): { logRatios: number[]; baseMedianMs: number | null } {
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
  const base = report.scenarios.find((s) => s.name.endsWith('@base'))?.cells[0];
  const cand = report.scenarios.find((s) => !s.name.endsWith('@base'))?.cells[0];
  const b = base?.timesInOrderMs ?? [];
  const c = cand?.timesInOrderMs ?? [];
  const logRatios: number[] = [];
  for (let k = 0; k < Math.min(b.length, c.length); k++) if (b[k] != null && c[k] != null) logRatios.push(Math.log(c[k]! / b[k]!));
  return { logRatios, baseMedianMs: base?.time.median.value ?? null };
}

export function standardDeviation(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = xs.reduce((a, v) => a + v, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, v) => a + (v - m) ** 2, 0) / (xs.length - 1));
}
