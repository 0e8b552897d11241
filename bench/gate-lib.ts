import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareReports } from '../src/commands/compare.ts';
import { runScenarios } from '../src/commands/run.ts';
import { progress } from '../src/log.ts';
import type { CellReport, Report } from '../src/report/model.ts';
import type { TrialRecord } from '../src/runner/record.ts';
import { validateScenario, type Scenario } from '../src/scenario/load.ts';
import { detectableRatio, pairedLogRatios, pairsNeeded, standardDeviation } from './gate-power.ts';

/** How well the compare gate separates a real change from noise, measured with real runs. */
export interface GateBenchOptions {
  /** Separate runs of the unchanged scenario; every unordered pair of them is one A/A comparison. */
  aaRuns: number;
  /** Repetitions per side of every run. */
  reps: number;
  /** The planted one-off DNS delay (on the module proxy's name) and how many --against runs try to catch it. */
  plantedDelayMs: number;
  tries: number;
  /** Other delays, to find the smallest one caught (each tried `smallTries` times). */
  otherDelaysMs: number[];
  smallTries: number;
  /** Within-run A/A tries (run --against itself). */
  aaWithinTries: number;
  corpusModules: number;
}

export interface GateBenchResult {
  aaPairs: number;
  aaFalseAlarms: number;
  aaInconclusive: number;
  /** max/min of the run medians of the A/A runs: the drift between separate runs on this machine. */
  runMedianMaxOverMin: number;
  /** Runs --against itself (no fault): a regression here is a false alarm. */
  aaWithin: DelayTally | null;
  caught: Record<number, DelayTally>;
  smallestCaughtMs: number | null;
  /** 1-minute load average at the start and the end of the benchmark. */
  loadAverage: { start: number; end: number };
}

/** The tries of one planted delay, judged three ways: the gate as shipped, and the two variants that explain it. */
export interface DelayTally {
  tries: number;
  /** compare <report.json> exits 1 (paired test, default minimum effect 5 %). */
  caught: number;
  inconclusive: number;
  /** Exit 1 with --min-effect 0: how many the minimum effect alone turned away. */
  caughtWithoutMinEffect: number;
  /** Exit 1 with the two-sample test on the same runs (what the gate did before pairing). */
  caughtUnpaired: number;
  /** Candidate trials in which the planted fault acted 0 times (should be 0). */
  faultIdleTrials: number;
  /** Per try: the paired ratio [interval] and the coefficient of variation of the base trials. */
  details: string[];
  /** Every try's paired log-ratios (k-th candidate / k-th base trial) and base medians: the noise the gate sees. */
  logRatios: number[];
  baseMediansMs: number[];
}

const cv = (xs: readonly number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length) / m;
};

/** What one try says, judged three ways, and whether the fault acted in every candidate trial. */
function judgeTry(tally: DelayTally, report: string, delayMs: number): void {
  const exit = (options: Parameters<typeof compareReports>[1]) => compareReports([report], options).exitCode;
  const shipped = exit({});
  if (shipped === 1) tally.caught++;
  if (shipped === 3) tally.inconclusive++;
  if (exit({ settings: { threshold: 0 } }) === 1) tally.caughtWithoutMinEffect++;
  if (exit({ paired: false }) === 1) tally.caughtUnpaired++;
  const records = readFileSync(join(report, '..', 'results.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as TrialRecord);
  const candidate = records.filter((r) => r.scenario === 'gate-clean');
  if (delayMs > 0) tally.faultIdleTrials += candidate.filter((r) => !Object.values(r.faultsActed ?? {}).some((n) => n > 0)).length;
  const paired = pairedLogRatios(report);
  tally.logRatios.push(...paired.logRatios);
  if (paired.baseMedianMs !== null) tally.baseMediansMs.push(paired.baseMedianMs);
  const base: CellReport | undefined = (JSON.parse(readFileSync(report, 'utf8')) as Report).scenarios.find((sc) => sc.name.endsWith('@base'))?.cells[0];
  const v = compareReports([report]).cells[0];
  const f = (x: number | null | undefined) => (x == null ? '-' : x.toFixed(2));
  const judged = v ? `${v.timeTest} p ${v.timeP?.toPrecision(2) ?? '-'}, ratio ${f(v.ratio.value)} [${f(v.ratio.low)}–${f(v.ratio.high)}]` : '-';
  tally.details.push(`${v?.verdict ?? '-'}: ${judged}; base median ${Math.round(base?.time.median.value ?? NaN)} ms, CV ${base ? cv(base.durationsMs).toFixed(2) : '-'}`);
}

function cleanScenario(name: string, opts: GateBenchOptions, delayMs = 0): Scenario {
  const faults = delayMs > 0 ? [{ kind: 'dns-delay', match: '$goproxy', delay: `${delayMs}ms` }] : [];
  return validateScenario({ name, corpus: { modules: opts.corpusModules, seed: 1 }, faults, reps: opts.reps, timeout: '60s' }, `bench:${name}`);
}

async function runOnce(out: string, scenario: Scenario, against?: Scenario): Promise<string> {
  const run = await runScenarios({ scenarios: [scenario], outDir: out, quiet: true, ...(against ? { against } : {}) });
  if (run.interrupted) throw new Error('interrupted');
  return join(run.outDir, 'report.json');
}

async function separateRuns(root: string, opts: GateBenchOptions, result: GateBenchResult): Promise<void> {
  const reports: string[] = [];
  for (let i = 0; i < opts.aaRuns; i++) {
    progress(`bench:gate: A/A separate run ${i + 1}/${opts.aaRuns}`);
    reports.push(await runOnce(join(root, `aa-${i}`), cleanScenario('gate-clean', opts)));
  }
  for (let i = 0; i < reports.length; i++) {
    for (let j = i + 1; j < reports.length; j++) {
      const r = compareReports([reports[i]!, reports[j]!]);
      result.aaPairs++;
      if (r.exitCode === 1) result.aaFalseAlarms++;
      if (r.exitCode === 3) result.aaInconclusive++;
    }
  }
  const medianOf = (path: string) => (JSON.parse(readFileSync(path, 'utf8')) as Report).scenarios[0]?.cells[0]?.time.median.value ?? NaN;
  const finite = reports.map(medianOf).filter(Number.isFinite);
  result.runMedianMaxOverMin = finite.length > 1 ? Math.max(...finite) / Math.min(...finite) : NaN;
}

async function againstTries(root: string, opts: GateBenchOptions, delayMs: number, tries: number): Promise<DelayTally> {
  const tally: DelayTally = { tries, caught: 0, inconclusive: 0, caughtWithoutMinEffect: 0, caughtUnpaired: 0, faultIdleTrials: 0, details: [], logRatios: [], baseMediansMs: [] };
  for (let i = 0; i < tries; i++) {
    progress(`bench:gate: ${delayMs} ms DNS delay --against clean, try ${i + 1}/${tries} (load average ${loadavg()[0]!.toFixed(1)})`);
    const report = await runOnce(join(root, `d${delayMs}-${i}`), cleanScenario('gate-clean', opts, delayMs), cleanScenario('gate-clean', opts));
    judgeTry(tally, report, delayMs);
    progress(`bench:gate:   ${tally.details.at(-1)}`);
  }
  return tally;
}

/** Runs the whole benchmark in a temporary folder (removed afterwards). */
export async function benchGate(opts: GateBenchOptions): Promise<GateBenchResult> {
  const root = mkdtempSync(join(tmpdir(), 'gomod-chaos-bench-gate-'));
  const result: GateBenchResult = { aaPairs: 0, aaFalseAlarms: 0, aaInconclusive: 0, runMedianMaxOverMin: NaN, aaWithin: null, caught: {}, smallestCaughtMs: null, loadAverage: { start: loadavg()[0]!, end: NaN } };
  try {
    if (opts.aaRuns > 1) await separateRuns(root, opts, result);
    if (opts.aaWithinTries > 0) result.aaWithin = await againstTries(root, opts, 0, opts.aaWithinTries);
    result.caught[opts.plantedDelayMs] = await againstTries(root, opts, opts.plantedDelayMs, opts.tries);
    for (const d of opts.otherDelaysMs) result.caught[d] = await againstTries(root, opts, d, opts.smallTries);
    const caughtMost = Object.entries(result.caught).filter(([, t]) => t.caught * 2 > t.tries).map(([d]) => Number(d));
    result.smallestCaughtMs = caughtMost.length ? Math.min(...caughtMost) : null;
    result.loadAverage.end = loadavg()[0]!;
    return result;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The noise of the A/A runs --against itself, and what it lets 'reps' pairs catch (see gate-power.ts). */
function noiseLines(opts: GateBenchOptions, w: DelayTally | null): string[] {
  if (!w || w.logRatios.length < 3) return ['noise                 not measured (no A/A run --against itself)'];
  const sd = standardDeviation(w.logRatios);
  const median = [...w.baseMediansMs].sort((a, b) => a - b)[Math.floor(w.baseMediansMs.length / 2)] ?? NaN;
  const ratio = detectableRatio(sd, opts.reps);
  const delayRatio = (median + opts.plantedDelayMs) / median;
  const needed = pairsNeeded(sd, delayRatio);
  return [
    `noise                 sd of the paired log-ratios of the A/A runs --against itself ${sd.toFixed(2)} (${w.logRatios.length} pairs), base median ${Math.round(median)} ms`,
    `                      at this noise ${opts.reps} pairs catch 9 of 10 times a slowdown of ${ratio.toFixed(2)}× (+${Math.round((ratio - 1) * median)} ms at the base median); the ${opts.plantedDelayMs} ms delay (${delayRatio.toFixed(2)}×) would need ${needed ?? 'more than any number of'} pairs`,
  ];
}

function delayLines(d: string, t: DelayTally): string[] {
  const target = Number(d) === 40 && t.tries >= 10 ? '; target >= 9 of 10' : '';
  return [
    `${d.padStart(4)} ms DNS delay   caught in ${t.caught}/${t.tries} runs --against clean (${t.inconclusive} inconclusive)${target}`,
    `                      with --min-effect 0: ${t.caughtWithoutMinEffect}/${t.tries}; two-sample test instead of the paired one: ${t.caughtUnpaired}/${t.tries}; candidate trials where the fault did not act: ${t.faultIdleTrials}`,
    ...t.details.map((line, i) => `                      try ${i + 1}: ${line}`),
  ];
}

export function formatGateBench(opts: GateBenchOptions, r: GateBenchResult): string {
  const pctOf = (a: number, b: number) => (b ? `${((a / b) * 100).toFixed(1)} %` : '-');
  const w = r.aaWithin;
  const lines = [
    `gomod-chaos gate benchmark: clean scenario (${opts.corpusModules} modules), ${opts.reps} reps per side, on ${cpus().length} cores; load average ${r.loadAverage.start.toFixed(1)} at the start, ${r.loadAverage.end.toFixed(1)} at the end`,
    `A/A separate runs     ${r.aaFalseAlarms}/${r.aaPairs} pairs flagged as a regression (${pctOf(r.aaFalseAlarms, r.aaPairs)}; target <= 5 %), ${r.aaInconclusive} inconclusive; ${opts.aaRuns} runs, every pair`,
    `between-run drift     max/min of the run medians ${r.runMedianMaxOverMin.toFixed(2)} (compare's default drift bound: ±35 %${r.runMedianMaxOverMin > 1.35 ? `; for separate runs on this machine at this load use --drift ${Math.ceil((r.runMedianMaxOverMin - 1) * 100)}%, or better run --against` : ''})`,
    w ? `A/A within one run    ${w.caught}/${w.tries} runs --against itself flagged as a regression (${w.inconclusive} inconclusive; with --min-effect 0: ${w.caughtWithoutMinEffect}; two-sample: ${w.caughtUnpaired})` : 'A/A within one run    not run',
    ...(w ? w.details.map((line, i) => `                      try ${i + 1}: ${line}`) : []),
    ...noiseLines(opts, w),
    ...Object.entries(r.caught)
      .sort((a, b) => Number(b[0]) - Number(a[0]))
      .flatMap(([d, t]) => delayLines(d, t)),
    `smallest delay caught ${r.smallestCaughtMs === null ? 'none' : `${r.smallestCaughtMs} ms`} (caught in more than half of its tries)`,
  ];
  return lines.join('\n') + '\n';
}
