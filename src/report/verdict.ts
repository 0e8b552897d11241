import { createRandom, type Random } from '../random.ts';
import { neededPerSide, smallestP } from '../stats/power.ts';
import { bootstrapMedianRatio, fisherExact, holm, mannWhitney } from '../stats/tests.ts';
import type { CellReport, Interval, ReportSettings, Verdict } from './model.ts';
import { formatP, formatPercentTenths, formatRatio } from './format.ts';
import { pairedTime, type PairedTime } from './paired-time.ts';

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
  /**
   * Base and candidate come from one run made with --against: pair their trials in the order they
   * ran and use the paired test when there are enough pairs.
   */
  paired?: boolean;
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

/** The time test of one comparison: its Holm-adjusted p, the ratio interval and the test's name for the reasons. */
interface TimeTest {
  p: number | null;
  ratio: Interval;
  name: string;
}

function judgeTime(cell: CellReport, base: CellReport, test: TimeTest, family: number, settings: ReportSettings, drift: number | null): Judged & { measurable: boolean } {
  const { p, ratio } = test;
  const nC = cell.ok + cell.timeout;
  const nB = base.ok + base.timeout;
  if (p === null || nC === 0 || nB === 0) return { verdict: 'inconclusive', reason: 'no timed trial on one side', measurable: false };
  const power = powerProblem(nC, nB, family, settings.alpha, 'timed trials');
  if (power) return { verdict: 'inconclusive', reason: power, measurable: true };
  const bound = Math.max(settings.threshold, drift ?? 0);
  const boundText = drift !== null && drift >= settings.threshold ? `the between-run drift bound ±${pctOf(drift)} (separate runs; run the candidate --against the base for a tighter gate)` : `the minimum effect ±${pctOf(settings.threshold)}`;
  const interval = `${test.name.startsWith('Wilcoxon') ? 'paired ratio' : 'ratio'} ${fmtRatio(ratio.value)} [${fmtRatio(ratio.low)}–${fmtRatio(ratio.high)}]`;
  if (p >= settings.alpha) return { verdict: 'no-difference', reason: `${test.name} p ${fmtP(p)} >= ${settings.alpha}; ${interval}`, measurable: true };
  const allCensored = ratio.value === null && cell.time.median.value === null && base.time.median.value !== null;
  if (allCensored) return { verdict: 'worse', reason: `p ${fmtP(p)}: the cell's median trial hit the deadline while the base finished`, measurable: true };
  if (ratio.low !== null && ratio.low > 1 + bound) return { verdict: 'worse', reason: `slower: ${test.name} p ${fmtP(p)}, ${interval} lies above ${boundText}`, measurable: true };
  if (ratio.high !== null && ratio.high < 1 / (1 + bound)) return { verdict: 'better', reason: `faster: ${test.name} p ${fmtP(p)}, ${interval} lies below ${boundText}`, measurable: true };
  const min = settings.threshold;
  if (ratio.low !== null && ratio.high !== null && ratio.low >= 1 / (1 + min) && ratio.high <= 1 + min) {
    return { verdict: 'no-difference', reason: `${test.name} p ${fmtP(p)} but ${interval} lies within the minimum effect ±${pctOf(min)}`, measurable: true };
  }
  return { verdict: 'inconclusive', reason: `${test.name} p ${fmtP(p)} but ${interval} ${bound > min ? 'lies within or spans' : 'spans'} ${boundText}`, measurable: true };
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

/** The time test per comparison: the paired signed-rank test where options.paired allows it, else Mann-Whitney; Holm over the present p. */
function timeTests(pairs: readonly Comparison[], settings: ReportSettings, random: Random, options: CompareOptions): Array<TimeTest & { raw: number | null; mw: number | null; paired: PairedTime | null }> {
  const mw = pairs.map(({ cell, base }) => mannWhitney(censoredTimes(cell), censoredTimes(base))?.p ?? null);
  const paired = pairs.map(({ cell, base }) => (options.paired ? pairedTime(cell, base, settings.alpha, pairs.length) : null));
  const raw = pairs.map((_, i) => paired[i]?.p ?? mw[i] ?? null);
  const present = raw.map((p, i) => ({ p, i })).filter((x): x is { p: number; i: number } => x.p !== null);
  const adjusted = new Array<number | null>(pairs.length).fill(null);
  holm(present.map((x) => x.p)).forEach((p, k) => (adjusted[present[k]!.i] = p));
  return pairs.map(({ cell, base }, i) => {
    const pt = paired[i] ?? null;
    const boot = pt ? null : bootstrapMedianRatio(censoredTimes(cell), censoredTimes(base), random, settings.bootstrapResamples, settings.alpha);
    const ratio = pt ? pt.ratio : { value: boot!.ratio, low: boot!.low, high: boot!.high };
    return { p: adjusted[i] ?? null, raw: raw[i] ?? null, mw: mw[i] ?? null, paired: pt, ratio, name: pt ? `Wilcoxon signed-rank (${pt.pairs} pairs)` : 'Mann-Whitney' };
  });
}

/**
 * Compares cells with their bases: Mann-Whitney on times (censored included), or within a run
 * made with --against the Wilcoxon signed-rank test on the log-ratios of paired trials, and Fisher
 * on failure counts, each Holm-adjusted across the comparisons given, with an interval of the
 * ratio (seeded bootstrap of the median ratio, or Hodges-Lehmann of the paired ratios). A verdict
 * needs the sample to be able to reach alpha, the test to reach it and the interval to lie beyond
 * the threshold (the drift bound for separate runs).
 */
export function compareCells(pairs: readonly Comparison[], settings: ReportSettings, random: Random = createRandom(settings.bootstrapSeed), options: CompareOptions = {}): void {
  const times = timeTests(pairs, settings, random, options);
  const fisher = pairs.map(({ cell, base }) => {
    const failC = cell.fail + cell.timeout;
    const failB = base.fail + base.timeout;
    return fisherExact(failC, cell.n - failC, failB, base.n - failB);
  });
  const fisherAdjusted = holm(fisher);
  const family = Math.max(1, times.filter((t) => t.raw !== null).length);
  pairs.forEach(({ cell, base }, i) => {
    const t = times[i]!;
    const time = judgeTime(cell, base, t, family, settings, options.driftBound ?? null);
    const failures = judgeFailures(cell, base, fisherAdjusted[i]!, pairs.length, settings);
    cell.vsBaseline = {
      ratio: t.ratio,
      mannWhitneyP: t.mw,
      mannWhitneyPAdjusted: t.paired ? null : t.p,
      timeTest: t.paired ? 'paired-wilcoxon' : 'mann-whitney',
      timeP: t.raw,
      timePAdjusted: t.p,
      ...(t.paired ? { pairs: t.paired.pairs } : {}),
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
