import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareReports } from '../src/commands/compare.ts';
import { runScenarios } from '../src/commands/run.ts';
import { progress } from '../src/log.ts';
import type { Report } from '../src/report/model.ts';
import { validateScenario, type Scenario } from '../src/scenario/load.ts';

/** How well the compare gate separates a real change from noise, measured with real runs. */
export interface GateBenchOptions {
  /** Separate runs of the unchanged scenario; every unordered pair of them is one A/A comparison. */
  aaRuns: number;
  /** Repetitions per side of every run. */
  reps: number;
  /** The planted one-off DNS delay (on the module proxy's name) and how many --against runs try to catch it. */
  plantedDelayMs: number;
  tries: number;
  /** Smaller delays to find the smallest one caught (each tried `smallTries` times). */
  smallerDelaysMs: number[];
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
  aaWithinTries: number;
  aaWithinFalseAlarms: number;
  caught: Record<number, { tries: number; caught: number; inconclusive: number }>;
  smallestCaughtMs: number | null;
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

async function againstTries(root: string, opts: GateBenchOptions, delayMs: number, tries: number): Promise<{ tries: number; caught: number; inconclusive: number }> {
  const tally = { tries, caught: 0, inconclusive: 0 };
  for (let i = 0; i < tries; i++) {
    progress(`bench:gate: ${delayMs} ms DNS delay --against clean, try ${i + 1}/${tries}`);
    const report = await runOnce(join(root, `d${delayMs}-${i}`), cleanScenario('gate-clean', opts, delayMs), cleanScenario('gate-clean', opts));
    const r = compareReports([report]);
    if (r.exitCode === 1) tally.caught++;
    if (r.exitCode === 3) tally.inconclusive++;
  }
  return tally;
}

/** Runs the whole benchmark in a temporary folder (removed afterwards). */
export async function benchGate(opts: GateBenchOptions): Promise<GateBenchResult> {
  const root = mkdtempSync(join(tmpdir(), 'gomod-chaos-bench-gate-'));
  const result: GateBenchResult = { aaPairs: 0, aaFalseAlarms: 0, aaInconclusive: 0, runMedianMaxOverMin: NaN, aaWithinTries: 0, aaWithinFalseAlarms: 0, caught: {}, smallestCaughtMs: null };
  try {
    await separateRuns(root, opts, result);
    if (opts.aaWithinTries > 0) {
      const within = await againstTries(root, opts, 0, opts.aaWithinTries);
      result.aaWithinTries = within.tries;
      result.aaWithinFalseAlarms = within.caught;
    }
    result.caught[opts.plantedDelayMs] = await againstTries(root, opts, opts.plantedDelayMs, opts.tries);
    for (const d of opts.smallerDelaysMs) result.caught[d] = await againstTries(root, opts, d, opts.smallTries);
    const caughtMost = Object.entries(result.caught).filter(([, t]) => t.caught * 2 > t.tries).map(([d]) => Number(d));
    result.smallestCaughtMs = caughtMost.length ? Math.min(...caughtMost) : null;
    return result;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export function formatGateBench(opts: GateBenchOptions, r: GateBenchResult): string {
  const pctOf = (a: number, b: number) => (b ? `${((a / b) * 100).toFixed(1)} %` : '-');
  const lines = [
    `gomod-chaos gate benchmark: clean scenario (${opts.corpusModules} modules), ${opts.reps} reps per side`,
    `A/A separate runs     ${r.aaFalseAlarms}/${r.aaPairs} pairs flagged as a regression (${pctOf(r.aaFalseAlarms, r.aaPairs)}; target <= 5 %), ${r.aaInconclusive} inconclusive; ${opts.aaRuns} runs, every pair`,
    `between-run drift     max/min of the run medians ${r.runMedianMaxOverMin.toFixed(2)} (compare's default drift bound: ±35 %)`,
    `A/A within one run    ${r.aaWithinFalseAlarms}/${r.aaWithinTries} runs --against itself flagged as a regression`,
    ...Object.entries(r.caught)
      .sort((a, b) => Number(b[0]) - Number(a[0]))
      .map(([d, t]) => `${d.padStart(4)} ms DNS delay   caught in ${t.caught}/${t.tries} runs --against clean (${t.inconclusive} inconclusive)${Number(d) === 40 && t.tries >= 10 ? '; target >= 9 of 10' : ''}`),
    `smallest delay caught ${r.smallestCaughtMs === null ? 'none' : `${r.smallestCaughtMs} ms`} (caught in more than half of its tries)`,
  ];
  return lines.join('\n') + '\n';
}
