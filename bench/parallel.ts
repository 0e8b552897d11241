/**
 * npm run bench:parallel — the scenario library (or --scenarios DIR) at --parallel 1 and at the
 * default lane count, same seed, the arms interleaved (ABBA over --rounds): wall time of each,
 * the speed-up, the CPU the run kept busy, whether every verdict (the evidence's claims and every
 * cell's) is identical, and per cell whether each arm's median lies in the other's 95 % interval
 * (the worst cell printed), and in which direction the medians moved (a sign test over cells). With
 * --rounds 2 the same arm run twice (A/A) is compared too: what the machine alone does to the
 * medians, the yardstick for the lanes. The machine's load during each arm is printed beside it.
 *
 *   npm run bench:parallel [-- --scenarios scenarios[,file.ts...] --reps N --parallel N --rounds 1 --out DIR]
 *   npm run bench:parallel -- --compare SERIAL_DIR,PARALLEL_DIR   (two finished runs: fidelity only)
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runScenarios } from '../src/commands/run.ts';
import { judgeClaims } from '../src/evidence/claims.ts';
import { logChoose } from '../src/stats/distributions.ts';
import { quantile } from '../src/stats/tests.ts';
import { readResults } from '../src/report/results.ts';
import type { CellReport, Report } from '../src/report/model.ts';
import { chooseLanes } from '../src/runner/lanes.ts';
import { readRunFile } from '../src/runner/run-file.ts';
import { loadScenario, scenarioFiles, type Scenario } from '../src/scenario/load.ts';

const SEED = 1;

interface Arm {
  parallel: number;
  wallS: number;
  cpuS: number;
  load: string;
  /** How the trials were admitted across lanes (runner/admission.ts): how many held the CPU token, the waits. */
  admission: string;
  report: Report;
  claims: Record<string, string>;
}

/** CPU seconds of this process and of its children it has waited for (sandboxes, go, Toxiproxy). */
function cpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // utime stime cutime cstime are fields 14-17 (11-14 after the ") " split), in clock ticks of 1/100 s
  return fields.slice(11, 15).reduce((sum, f) => sum + Number(f), 0) / 100;
}

/** What a finished run folder says: its report, its claims' verdicts, its machine load. */
function armOf(outDir: string, parallel: number, wallS: number, cpuS: number): Arm {
  const report = JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) as Report;
  const { records } = readResults(join(outDir, 'results.jsonl'));
  const claims = Object.fromEntries(judgeClaims({ report, records }).results.map((c) => [c.id, c.verdict]));
  const load = readRunFile(outDir)?.load;
  const admitted = records.filter((r) => r.admission);
  const admission = admitted.length
    ? `admission: ${admitted.filter((r) => r.admission!.cpu).length} of ${admitted.length} trials held the CPU token, ${(admitted.reduce((s, r) => s + r.admission!.waitedMs, 0) / 1000).toFixed(0)} s of waits to start`
    : 'no admission';
  return { parallel, wallS, cpuS, load: load ? `load median ${load.medianLoad1}, max ${load.maxLoad1}` : 'load ?', admission, report, claims };
}

async function runArm(scenarios: Scenario[], parallel: number, outDir: string, reps: number | undefined): Promise<Arm> {
  const cpu0 = cpuSeconds();
  const t0 = performance.now();
  await runScenarios({ scenarios, outDir, seed: SEED, quiet: true, parallel, command: `bench:parallel --parallel ${parallel}`, ...(reps ? { reps } : {}) });
  return armOf(outDir, parallel, (performance.now() - t0) / 1000, cpuSeconds() - cpu0);
}

type Cell = CellReport & { scenario: string };

function cellsOf(report: Report): Map<string, Cell> {
  return new Map(report.scenarios.flatMap((s) => s.cells.map((c): [string, Cell] => [`${s.name} / ${c.mitigation} ${c.goVersion}`, { ...c, scenario: s.name }])));
}

/** How far b's median lies from a's 95 % interval, in half-widths of that interval (<= 1: inside). */
function outside(a: Cell, b: Cell): number | null {
  const { value, low, high } = a.time.median;
  const m = b.time.median.value;
  if (value === null || low === null || high === null || m === null) return null;
  const half = m >= value ? high - value : value - low;
  return half > 0 ? Math.abs(m - value) / half : m === value ? 0 : Infinity;
}

/** Two-sided sign test: P(a count at least this far from n/2) for a fair coin. */
function signTestP(k: number, n: number): number {
  if (n === 0) return 1;
  const far = Math.max(k, n - k);
  let tail = 0;
  for (let i = far; i <= n; i++) tail += Math.exp(logChoose(n, i) - n * Math.LN2);
  return Math.min(1, 2 * tail);
}

/** The median over cells of b's median / a's median. */
function medianRatio(scored: ReadonlyArray<{ x: Cell; y: Cell }>): number {
  const ratios = scored.map((c) => c.y.time.median.value! / c.x.time.median.value!).filter((r) => Number.isFinite(r) && r > 0);
  return quantile(ratios, 0.5) ?? Number.NaN;
}

function compareArms(a: Arm, b: Arm): string[] {
  const lines: string[] = [];
  const claimDiffs = Object.keys(a.claims).filter((id) => a.claims[id] !== b.claims[id]);
  lines.push(`claims: ${Object.keys(a.claims).length - claimDiffs.length} of ${Object.keys(a.claims).length} verdicts identical${claimDiffs.map((id) => `\n  DIFFERENT ${id}: ${a.claims[id]} (p${a.parallel}) vs ${b.claims[id]} (p${b.parallel})`).join('')}`);
  const ca = cellsOf(a.report);
  const cb = cellsOf(b.report);
  const verdict = (c: Cell | undefined) => c?.vsBaseline?.verdict ?? '(baseline)';
  const cellDiffs = [...ca.keys()].filter((k) => verdict(ca.get(k)) !== verdict(cb.get(k)));
  lines.push(`cells: ${ca.size - cellDiffs.length} of ${ca.size} cell verdicts identical${cellDiffs.map((k) => `\n  DIFFERENT ${k}: ${verdict(ca.get(k))} vs ${verdict(cb.get(k))}`).join('')}`);
  const scored = [...ca.keys()].flatMap((k) => {
    const x = ca.get(k)!;
    const y = cb.get(k);
    const s = y ? Math.max(outside(x, y) ?? -1, outside(y, x) ?? -1) : -1;
    return s < 0 ? [] : [{ k, s, x, y: y! }];
  });
  const out = scored.filter((c) => c.s > 1);
  lines.push(`medians: ${scored.length - out.length} of ${scored.length} cells with each arm's median inside the other's 95 % interval${out.map((c) => `\n  OUTSIDE ${c.k}: ${Math.round(c.x.time.median.value!)} ms [${Math.round(c.x.time.median.low!)}–${Math.round(c.x.time.median.high!)}] vs ${Math.round(c.y.time.median.value!)} ms [${Math.round(c.y.time.median.low!)}–${Math.round(c.y.time.median.high!)}]`).join('')}`);
  // a systematic shift shows as one arm slower in most cells (a sign test), noise as a coin toss
  const slower = scored.filter((c) => c.y.time.median.value! > c.x.time.median.value!).length;
  lines.push(`direction: p${b.parallel} slower in ${slower} of ${scored.length} cells (sign test p ${signTestP(slower, scored.length).toFixed(3)}); median ratio p${b.parallel}/p${a.parallel} ${medianRatio(scored).toFixed(3)}`);
  const worst = scored.sort((p, q) => q.s - p.s)[0];
  if (worst) lines.push(`worst cell: ${worst.k}: p${a.parallel} ${Math.round(worst.x.time.median.value!)} ms [${Math.round(worst.x.time.median.low!)}–${Math.round(worst.x.time.median.high!)}], p${b.parallel} ${Math.round(worst.y.time.median.value!)} ms [${Math.round(worst.y.time.median.low!)}–${Math.round(worst.y.time.median.high!)}] (${worst.s.toFixed(2)} half-widths from the other's median)`);
  return lines;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { scenarios: { type: 'string' }, reps: { type: 'string' }, parallel: { type: 'string' }, rounds: { type: 'string' }, out: { type: 'string' }, compare: { type: 'string' } } });
  if (values.compare) {
    // two finished run folders (serial first): the fidelity figures only
    const [a, b] = values.compare.split(',') as [string, string];
    const lanesOf = (dir: string) => readRunFile(dir)?.lanes?.parallel ?? 0;
    process.stdout.write(`${compareArms(armOf(a, lanesOf(a), 0, 0), armOf(b, lanesOf(b), 0, 0)).join('\n')}\n`);
    return;
  }
  const scenarios: Scenario[] = [];
  for (const file of scenarioFiles((values.scenarios ?? 'scenarios').split(','))) scenarios.push(await loadScenario(file));
  const lanes = values.parallel ? { parallel: Number(values.parallel), reason: '--parallel' } : chooseLanes(undefined, 'netns');
  const rounds = Number(values.rounds ?? 1);
  const out = values.out ?? mkdtempSync(join(tmpdir(), 'gomod-chaos-bench-parallel-'));
  process.stderr.write(`bench:parallel: ${scenarios.length} scenarios, --parallel 1 vs ${lanes.parallel} (${lanes.reason}), ${rounds} round(s), seed ${SEED} -> ${out}\n`);
  const arms: Arm[] = [];
  for (let round = 0; round < rounds; round++) {
    // ABBA: the serial arm first in even rounds, second in odd ones (drift of the machine spreads over both)
    const order = round % 2 === 0 ? [1, lanes.parallel] : [lanes.parallel, 1];
    for (const parallel of order) {
      const arm = await runArm(scenarios, parallel, join(out, `r${round + 1}-p${parallel}`), values.reps ? Number(values.reps) : undefined);
      process.stderr.write(`  round ${round + 1} --parallel ${parallel}: ${arm.wallS.toFixed(1)} s wall, ${arm.cpuS.toFixed(0)} CPU s (${(arm.cpuS / arm.wallS).toFixed(2)} cores busy), ${arm.load}, ${arm.admission}\n`);
      arms.push(arm);
    }
  }
  const serial = arms.filter((a) => a.parallel === 1);
  const parallel = arms.filter((a) => a.parallel !== 1);
  const sum = (xs: Arm[], f: (a: Arm) => number) => xs.reduce((s, a) => s + f(a), 0);
  const lines = [
    `wall: --parallel 1 ${(sum(serial, (a) => a.wallS) / serial.length).toFixed(1)} s, --parallel ${lanes.parallel} ${(sum(parallel, (a) => a.wallS) / parallel.length).toFixed(1)} s: speed-up ${(sum(serial, (a) => a.wallS) / sum(parallel, (a) => a.wallS)).toFixed(2)}x`,
    `CPU per wall second: --parallel 1 ${(sum(serial, (a) => a.cpuS) / sum(serial, (a) => a.wallS)).toFixed(2)} cores, --parallel ${lanes.parallel} ${(sum(parallel, (a) => a.cpuS) / sum(parallel, (a) => a.wallS)).toFixed(2)} cores`,
    ...serial.flatMap((s, i) => [`-- round ${i + 1}: --parallel 1 vs --parallel ${lanes.parallel}`, ...compareArms(s, parallel[i]!)]),
    // the same arm twice (A/A) is what the machine alone does to the medians: the yardstick for the lanes' figures above
    ...(serial.length > 1 ? [`-- A/A: --parallel 1, round 1 vs round 2`, ...compareArms(serial[0]!, serial[1]!)] : []),
    ...(parallel.length > 1 ? [`-- A/A: --parallel ${lanes.parallel}, round 1 vs round 2`, ...compareArms(parallel[0]!, parallel[1]!)] : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:parallel: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
