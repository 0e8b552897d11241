/**
 * npm run bench:project [-- <project dir>] — the cost of running a real project:
 *  1. snapshot: cold (an empty harness cache, through your GOPROXY) and warm (reused);
 *  2. serving it: `go mod download` of the project through the clean fake internet versus the
 *     synthetic corpus of what a project trial fetches (a pilot trial's zip count and bytes),
 *     in ms per MB, the two interleaved (ABBA rounds); prints the ratio (serving a snapshot
 *     should cost no more per MB) and the load average.
 * Medians of BENCH_REPS trials each (default 5). Not a pass/fail test: the machines are noisy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findGo } from '../src/client/toolchain.ts';
import { runScenarios } from '../src/commands/run.ts';
import { cacheDir } from '../src/paths.ts';
import { ensureSnapshot, snapshotSummary } from '../src/project/snapshot.ts';
import { readResults } from '../src/report/results.ts';
import { validateScenario } from '../src/scenario/load.ts';
import { quantile } from '../src/stats/tests.ts';

const REPS = Number(process.env['BENCH_REPS'] ?? 5);
const project = resolve(process.argv[2] ?? 'test/fixtures/project-gin');
const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-bench-project-'));
const median = (values: readonly number[]) => quantile(values, 0.5) ?? NaN;

interface ArmTrials {
  msPerMb: number[];
  mb: number[];
  requests: number[];
  modules: number[];
}

/** ms per MB of the origin's bytes, MB and origin requests of each ok baseline trial of one run of `reps` trials. */
async function trialsOf(name: string, fields: Record<string, unknown>, reps: number, round: number): Promise<ArmTrials> {
  const scenario = validateScenario({ name, reps, timeout: '300s', ...fields }, 'bench');
  const run = await runScenarios({ scenarios: [scenario], outDir: join(out, `${name}-${round}`), quiet: true });
  const ok = readResults(run.resultsFile).records.filter((r) => r.outcome === 'ok' && r.mitigation === 'baseline');
  return { msPerMb: ok.map((r) => r.durationMs / (r.bytes / 1e6)), mb: ok.map((r) => r.bytes / 1e6), requests: ok.map((r) => r.http.requests), modules: ok.map((r) => r.modules) };
}

/**
 * Both arms interleaved (ABBA over rounds of REPS/ROUNDS trials): a machine whose load drifts
 * spreads that drift over both, so their ratio is a side-by-side figure.
 */
async function interleaved(arms: ReadonlyArray<{ name: string; fields: Record<string, unknown> }>): Promise<ArmTrials[]> {
  const results = arms.map((): ArmTrials => ({ msPerMb: [], mb: [], requests: [], modules: [] }));
  const rounds = Math.max(2, Math.min(REPS, 4));
  for (let round = 0; round < rounds; round++) {
    const reps = Math.ceil(REPS / rounds);
    const order = round % 2 === 0 ? arms.map((_, i) => i) : arms.map((_, i) => arms.length - 1 - i);
    for (const i of order) {
      const got = await trialsOf(arms[i]!.name, arms[i]!.fields, reps, round);
      for (const key of ['msPerMb', 'mb', 'requests', 'modules'] as const) results[i]![key].push(...got[key]);
    }
    process.stderr.write(`bench:project: round ${round + 1}/${rounds} done\n`);
  }
  return results;
}

try {
  const goBinary = findGo();
  let t = performance.now();
  const cold = await ensureSnapshot(project, { cacheDir: join(out, 'cache'), goBinary });
  const coldMs = performance.now() - t;
  t = performance.now();
  await ensureSnapshot(project, { cacheDir: join(out, 'cache'), goBinary });
  const warmMs = performance.now() - t;
  // the run itself uses the harness cache's snapshot (made now if missing)
  const snapshot = await ensureSnapshot(project, { cacheDir: cacheDir(), goBinary });
  // the synthetic corpus matches what a project trial fetches (its zips and their bytes; the
  // snapshot holds more: `all` includes tests of dependencies that `go mod download` skips)
  const pilot = await trialsOf('bench-project-pilot', { project }, 1, 0);
  if (pilot.modules.length === 0) throw new Error('the pilot trial of the project failed');
  const zips = pilot.modules[0]!;
  const meanKB = (pilot.mb[0]! * 1000) / zips;
  const [realRuns, syntheticRuns] = await interleaved([
    { name: 'bench-project', fields: { project } },
    { name: 'bench-synthetic', fields: { corpus: { modules: zips, maxVersions: 1, zipSizeKB: { median: Math.round(meanKB), sigma: 0 } } } },
  ]);
  const summary = (r: ArmTrials) => ({ msPerMb: median(r.msPerMb), mb: median(r.mb), ok: r.msPerMb.length, requests: median(r.requests) });
  const real = summary(realRuns!);
  const synthetic = summary(syntheticRuns!);
  process.stdout.write(
    [
      `gomod-chaos project benchmark: ${project}`,
      `snapshot   ${snapshotSummary(cold)}`,
      `           cold ${(coldMs / 1000).toFixed(1)} s (through your GOPROXY), warm ${warmMs.toFixed(0)} ms (reused)`,
      `serve      project   ${real.msPerMb.toFixed(1)} ms/MB (median of ${real.ok} ok trials, ${real.mb.toFixed(1)} MB and ${real.requests} origin requests each)`,
      `           synthetic ${synthetic.msPerMb.toFixed(1)} ms/MB (median of ${synthetic.ok} ok trials, ${synthetic.mb.toFixed(1)} MB and ${synthetic.requests} origin requests each, ${zips} modules of ${Math.round(meanKB)} KB)`,
      `           ratio project / synthetic: ${(real.msPerMb / synthetic.msPerMb).toFixed(2)}x`,
      `load       ${loadavg().map((l) => l.toFixed(1)).join(' ')} (1, 5, 15 min) at the end`,
      '',
    ].join('\n'),
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}
