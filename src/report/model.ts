/**
 * report.json: what a run measured, per scenario and cell, with the statistics and verdicts
 * against the scenario's baseline. Versioned: readers check `reportSchema`.
 * Times are milliseconds of go's own time; intervals are 95 % unless `settings.alpha` says otherwise.
 */
import type { ExpectationResult } from '../scenario/expect.ts';
import type { FaultsActed } from './faults-acted.ts';
import type { TrialLog } from './trial-logs.ts';

export const REPORT_SCHEMA = 2;

/**
 * better / worse: the test reached alpha and the interval lies beyond the threshold;
 * no-difference: the sample could have shown a difference and did not (or only one below the threshold);
 * inconclusive: the sample cannot reach alpha, or the interval spans the threshold. The reason says which.
 */
export type Verdict = 'better' | 'worse' | 'no-difference' | 'inconclusive';

export const VERDICT_WORDS: Record<Verdict, string> = { better: 'better', worse: 'worse', 'no-difference': 'no difference shown', inconclusive: 'inconclusive' };

export interface Interval {
  value: number | null;
  low: number | null;
  high: number | null;
}

export interface CellReport {
  mitigation: string;
  goVersion: string;
  /** Trials of the cell, and how they ended. */
  n: number;
  ok: number;
  fail: number;
  timeout: number;
  harnessError: number;
  /** (fail + timeout) / n, with a Wilson interval. */
  failureRate: Interval;
  /**
   * Time statistics over the trials that did not fail outright: successful trials by their time,
   * trials that hit the deadline as censored (larger than any time; never averaged in).
   * Null when not enough trials finished to say.
   */
  time: {
    median: Interval;
    p90: number | null;
    p95: number | null;
    min: number | null;
    max: number | null;
    /** Trials counted as censored at the deadline. */
    censored: number;
  };
  /** Against the scenario's baseline on the same go version (null for the baseline itself). */
  vsBaseline: null | {
    /** median(cell) / median(baseline), with a seeded bootstrap interval. */
    ratio: Interval;
    mannWhitneyP: number | null;
    /** Holm-adjusted across the comparisons of the scenario (its matrix of cells). */
    mannWhitneyPAdjusted: number | null;
    fisherP: number;
    fisherPAdjusted: number;
    timeVerdict: Verdict;
    failureVerdict: Verdict;
    /**
     * The test that decided the time verdict: Mann-Whitney on the two samples, or (compare of a
     * run made with --against, enough pairs) the Wilcoxon signed-rank test on the log-ratios of
     * base and candidate trials run next to each other; then `ratio` is the Hodges-Lehmann
     * estimate of the paired ratio with its interval. Absent in reports of before this field.
     */
    timeTest?: 'mann-whitney' | 'paired-wilcoxon';
    /** The p of that test, and Holm-adjusted. */
    timeP?: number | null;
    timePAdjusted?: number | null;
    /** Pairs of the paired test. */
    pairs?: number;
    /** Why, in words: p, interval and threshold, or why the sample cannot decide. */
    timeReason: string;
    failureReason: string;
    /** Worse if either is worse; else inconclusive if either is; else better if either is. */
    verdict: Verdict;
  };
  /** What the components saw, per trial (means), and the mitigation's own setup time (median). */
  seen: {
    dnsQueries: number;
    connections: number;
    tlsHandshakes: number;
    h1Requests: number;
    h2Requests: number;
    /** Share of HTTP requests that were HTTP/2 (null without requests). */
    h2Share: number | null;
    proxyConnects: number;
    mitigationSetupMs: number | null;
  };
  failureClasses: Record<string, number>;
  /** Per fault ("kind match"): times it acted over the cell's trials (absent for records without counters). */
  faultsActed?: FaultsActed;
  /** Raw times of the successful trials, for plots. */
  durationsMs: number[];
  /**
   * The timed trials (ok: its time; hit the deadline: null) in the order they started. `compare`
   * of a run made with --against pairs the k-th base trial with the k-th candidate trial.
   * Absent in reports of before this field.
   */
  timesInOrderMs?: Array<number | null>;
  /** What the real programs logged in the median and failing trials (cells with components or harness errors only). */
  trialLogs?: TrialLog[];
}

export interface ScenarioReport {
  name: string;
  description: string;
  cells: CellReport[];
  /** The scenario's `expect` block, checked against the cells (absent in reports without one). */
  expectations?: ExpectationResult[];
}

export interface ReportSettings {
  alpha: number;
  /** The minimum effect: a ratio or a failure-rate difference within this (e.g. 0.05 = 5 %) is no difference. */
  threshold: number;
  bootstrapResamples: number;
  bootstrapSeed: number;
}

export interface Report {
  reportSchema: typeof REPORT_SCHEMA;
  generatedAt: string;
  title: string;
  /** From run.json: command, seed(s), go versions, machine, toolchains. */
  run: Record<string, unknown>;
  settings: ReportSettings;
  trials: number;
  /** Lines of results.jsonl that could not be read (line numbers named). */
  skippedLines: string[];
  scenarios: ScenarioReport[];
}
