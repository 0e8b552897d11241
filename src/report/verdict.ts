import { createRandom, type Random } from '../random.ts';
import { neededPerSide, smallestP } from '../stats/power.ts';
import { bootstrapMedianRatio, fisherExact, holm, mannWhitney } from '../stats/tests.ts';
import type { CellReport, Interval, ReportSettings, Verdict } from './model.ts';
import { formatP, formatPercentTenths, formatRatio } from './format.ts';

/** Times for rank statistics: successes by their time, deadline hits censored (Infinity); failures left out. */
export function censoredTimes(cell: { durationsMs: readonly number[]; timeout: number }): number[] {
  return [...cell.durationsMs, ...Array<number>(cell.timeout).fill(Infinity)];
}

export interface Comparison {
  cell: CellReport;
  base: CellReport;
}

export interface CompareOptions {
  /**
   * The two sides come from separate runs: a ratio within this bound (e.g. 0.3 = ±30 %) may be
   * drift of the machine between runs, so it is inconclusive, never a verdict. Null within one run.
   */
  driftBound?: number | null;
}

interface Judged {
  verdict: Verdict;
  reason: string;
}

const fmtP = formatP;
const fmtRatio = (v: number | null) => (v === null ? '-' : formatRatio(v));
const pctOf = formatPercentTenths;

/** Null when the sample can reach alpha (Holm over the family); else why it cannot. */
function powerProblem(n1: number, n2: number, family: number, alpha: number, unit: string): string | null {
  const minP = smallestP(n1, n2) * family;
  if (minP < alpha) return null;
  const holmNote = family > 1 ? ` (Holm over ${family} comparisons: ${fmtP(Math.min(1, minP))})` : '';
  return `${n1} vs ${n2} ${unit}: the smallest possible p is ${fmtP(smallestP(n1, n2))}${holmNote}; need >= ${neededPerSide(alpha, family)} per side`;
}

function judgeTime(cell: CellReport, base: CellReport, p: number | null, ratio: Interval, family: number, settings: ReportSettings, drift: number | null): Judged & { measurable: boolean } {
  const nC = cell.ok + cell.timeout;
  const nB = base.ok + base.timeout;
  if (p === null || nC === 0 || nB === 0) return { verdict: 'inconclusive', reason: 'no timed trial on one side', measurable: false };
  const power = powerProblem(nC, nB, family, settings.alpha, 'timed trials');
  if (power) return { verdict: 'inconclusive', reason: power, measurable: true };
  const bound = Math.max(settings.threshold, drift ?? 0);
  const boundText = drift !== null && drift >= settings.threshold ? `the between-run drift bound ±${pctOf(drift)} (separate runs; run the candidate --against the base for a tighter gate)` : `the minimum effect ±${pctOf(settings.threshold)}`;
  const interval = `ratio ${fmtRatio(ratio.value)} [${fmtRatio(ratio.low)}–${fmtRatio(ratio.high)}]`;
  if (p >= settings.alpha) return { verdict: 'no-difference', reason: `Mann-Whitney p ${fmtP(p)} >= ${settings.alpha}; ${interval}`, measurable: true };
  const allCensored = ratio.value === null && cell.time.median.value === null && base.time.median.value !== null;
  if (allCensored) return { verdict: 'worse', reason: `p ${fmtP(p)}: the cell's median trial hit the deadline while the base finished`, measurable: true };
  if (ratio.low !== null && ratio.low > 1 + bound) return { verdict: 'worse', reason: `slower: p ${fmtP(p)}, ${interval} lies above ${boundText}`, measurable: true };
  if (ratio.high !== null && ratio.high < 1 / (1 + bound)) return { verdict: 'better', reason: `faster: p ${fmtP(p)}, ${interval} lies below ${boundText}`, measurable: true };
  const min = settings.threshold;
  if (ratio.low !== null && ratio.high !== null && ratio.low >= 1 / (1 + min) && ratio.high <= 1 + min) {
    return { verdict: 'no-difference', reason: `p ${fmtP(p)} but ${interval} lies within the minimum effect ±${pctOf(min)}`, measurable: true };
  }
  return { verdict: 'inconclusive', reason: `p ${fmtP(p)} but ${interval} ${bound > min ? 'lies within or spans' : 'spans'} ${boundText}`, measurable: true };
}

function judgeFailures(cell: CellReport, base: CellReport, p: number, family: number, settings: ReportSettings): Judged {
  const failC = cell.fail + cell.timeout;
  const failB = base.fail + base.timeout;
  const counts = `${failC}/${cell.n} vs ${failB}/${base.n} failed`;
  const power = powerProblem(cell.n, base.n, family, settings.alpha, 'trials');
  if (power) return { verdict: failC === 0 && failB === 0 ? 'no-difference' : 'inconclusive', reason: failC === 0 && failB === 0 ? `${counts}` : `${counts}; ${power}` };
  const rateC = cell.n ? failC / cell.n : 0;
  const rateB = base.n ? failB / base.n : 0;
  if (p >= settings.alpha) return { verdict: 'no-difference', reason: `${counts}, Fisher p ${fmtP(p)} >= ${settings.alpha}` };
  if (Math.abs(rateC - rateB) <= settings.threshold) return { verdict: 'no-difference', reason: `${counts}, Fisher p ${fmtP(p)}, within the minimum effect ±${pctOf(settings.threshold)}` };
  const withInterval = (rate: number, i: Interval) => `${pctOf(rate)} [${pctOf(i.low ?? 0)}–${pctOf(i.high ?? 1)}]`;
  return { verdict: rateC > rateB ? 'worse' : 'better', reason: `${counts} (${withInterval(rateC, cell.failureRate)} vs ${withInterval(rateB, base.failureRate)}), Fisher p ${fmtP(p)}, beyond the minimum effect ±${pctOf(settings.threshold)}` };
}

function combine(time: Verdict, timeMeasurable: boolean, failures: Verdict): Verdict {
  const all = timeMeasurable ? [time, failures] : [failures];
  for (const v of ['worse', 'inconclusive', 'better'] as const) if (all.includes(v)) return v;
  return 'no-difference';
}

/**
 * Compares cells with their bases: Mann-Whitney on times (censored included) and Fisher on
 * failure counts, each Holm-adjusted across the comparisons given, and a seeded bootstrap
 * interval of the median ratio. A verdict needs the sample to be able to reach alpha, the test
 * to reach it and the interval to lie beyond the threshold (the drift bound for separate runs).
 */
export function compareCells(pairs: readonly Comparison[], settings: ReportSettings, random: Random = createRandom(settings.bootstrapSeed), options: CompareOptions = {}): void {
  const mw = pairs.map(({ cell, base }) => mannWhitney(censoredTimes(cell), censoredTimes(base))?.p ?? null);
  const fisher = pairs.map(({ cell, base }) => {
    const failC = cell.fail + cell.timeout;
    const failB = base.fail + base.timeout;
    return fisherExact(failC, cell.n - failC, failB, base.n - failB);
  });
  const mwPresent = mw.map((p, i) => ({ p, i })).filter((x): x is { p: number; i: number } => x.p !== null);
  const mwAdjusted = new Array<number | null>(pairs.length).fill(null);
  holm(mwPresent.map((x) => x.p)).forEach((p, k) => (mwAdjusted[mwPresent[k]!.i] = p));
  const fisherAdjusted = holm(fisher);

  pairs.forEach(({ cell, base }, i) => {
    const r = bootstrapMedianRatio(censoredTimes(cell), censoredTimes(base), random, settings.bootstrapResamples, settings.alpha);
    const ratio = { value: r.ratio, low: r.low, high: r.high };
    const time = judgeTime(cell, base, mwAdjusted[i] ?? null, ratio, Math.max(1, mwPresent.length), settings, options.driftBound ?? null);
    const failures = judgeFailures(cell, base, fisherAdjusted[i]!, pairs.length, settings);
    cell.vsBaseline = {
      ratio,
      mannWhitneyP: mw[i] ?? null,
      mannWhitneyPAdjusted: mwAdjusted[i] ?? null,
      fisherP: fisher[i]!,
      fisherPAdjusted: fisherAdjusted[i]!,
      timeVerdict: time.verdict,
      failureVerdict: failures.verdict,
      timeReason: time.reason,
      failureReason: failures.reason,
      verdict: combine(time.verdict, time.measurable, failures.verdict),
    };
  });
}
