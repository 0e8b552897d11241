/**
 * npm run bench:project [-- <project dir>] — the cost of running a real project:
 *  1. snapshot: cold (an empty harness cache, through your GOPROXY) and warm (reused);
 *  2. serving it: `go mod download` of the project through the clean fake internet, beside the
 *     same download from `GOPROXY=file://` of the snapshot (no network: go's own floor), cells
 *     of one run, trials interleaved. The same for a synthetic corpus matched to what a project
 *     trial fetches (a pilot trial's zip count and bytes). What serving adds is full path minus
 *     file://, per MB; printed for both and as a ratio (serving a snapshot should add no more per
 *     MB than the synthetic corpus). The two scenarios alternate over ABBA rounds.
 * Medians of BENCH_REPS trials per cell (default 8). Not a pass/fail test: the machines are noisy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findGo } from '../src/client/toolchain.ts';
import { runScenarios } from '../src/commands/run.ts';
import { ensureCorpus } from '../src/corpus/generate.ts';
import { MITIGATIONS, type Mitigation } from '../src/mitigations/catalog.ts';
import { cacheDir } from '../src/paths.ts';
import { ensureSnapshot, snapshotSummary } from '../src/project/snapshot.ts';
import { readResults } from '../src/report/results.ts';
import type { TrialRecord } from '../src/runner/record.ts';
import { validateScenario, type Scenario } from '../src/scenario/load.ts';
import { quantile } from '../src/stats/tests.ts';

const REPS = Number(process.env['BENCH_REPS'] ?? 8);
const ROUNDS = 2;
const project = resolve(process.argv[2] ?? 'test/fixtures/project-gin');
const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-bench-project-'));
const median = (values: readonly number[]) => quantile(values, 0.5) ?? NaN;

/** GOPROXY=file:// of a GOPROXY layout: go's download with no network at all. */
const fileProxy = (proxyDir: string): Mitigation => ({ name: 'file-proxy', kind: 'baseline', description: 'GOPROXY=file:// of the same modules', env: { GOPROXY: `file://${proxyDir}` } });

/** The ok records of one run of `scenario` (`reps` trials per cell). */
async function okRecords(scenario: Scenario, reps: number, dir: string): Promise<TrialRecord[]> {
  const run = await runScenarios({ scenarios: [{ ...scenario, reps }], outDir: join(out, dir), quiet: true, parallel: 1 });
  return readResults(run.resultsFile).records.filter((r) => r.outcome === 'ok');
}

interface Arm {
  label: string;
  scenario: Scenario;
  records: TrialRecord[];
}

/** The arms' scenarios alternate over ABBA rounds (a load that drifts spreads over both). */
async function interleaved(arms: Arm[]): Promise<void> {
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? arms : [...arms].reverse();
    for (const arm of order) arm.records.push(...(await okRecords(arm.scenario, Math.ceil(REPS / ROUNDS), `${arm.scenario.name}-${round}`)));
    process.stderr.write(`bench:project: round ${round + 1}/${ROUNDS} done, load ${loadavg()[0]!.toFixed(1)}\n`);
  }
}

/** What serving adds to an arm: full path minus file://, in ms and per MB of the full path's bytes. */
function servingCost(arm: Arm) {
  const full = arm.records.filter((r) => r.mitigation === 'baseline');
  const file = arm.records.filter((r) => r.mitigation === 'file-proxy');
  const fullMs = median(full.map((r) => r.durationMs));
  const fileMs = median(file.map((r) => r.durationMs));
  const mb = median(full.map((r) => r.bytes / 1e6));
  const line = `${arm.label.padEnd(9)} full path ${fullMs.toFixed(0)} ms, file:// ${fileMs.toFixed(0)} ms (medians of ${full.length} and ${file.length} ok trials), ${mb.toFixed(1)} MB and ${median(full.map((r) => r.http.requests))} origin requests per trial: serving adds ${(fullMs - fileMs).toFixed(0)} ms = ${((fullMs - fileMs) / mb).toFixed(1)} ms/MB`;
  return { perMb: (fullMs - fileMs) / mb, line };
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
  const projectScenario = validateScenario({ name: 'bench-project', project, timeout: '300s' }, 'bench');
  // the synthetic corpus matches what a project trial fetches (its zips and their bytes; the
  // snapshot holds more: `all` includes tests of dependencies that `go mod download` skips)
  const [pilot] = await okRecords(projectScenario, 1, 'pilot');
  if (!pilot) throw new Error('the pilot trial of the project failed');
  const meanKB = pilot.bytes / 1000 / pilot.modules;
  const synthetic = validateScenario({ name: 'bench-synthetic', corpus: { modules: pilot.modules, maxVersions: 1, zipSizeKB: { median: Math.round(meanKB), sigma: 0 } }, timeout: '300s' }, 'bench');
  const corpus = await ensureCorpus(synthetic.corpus, cacheDir());
  const arms: Arm[] = [
    { label: 'project', scenario: { ...projectScenario, mitigations: [fileProxy(snapshot.proxyDir), MITIGATIONS.baseline] }, records: [] },
    { label: 'synthetic', scenario: { ...synthetic, mitigations: [fileProxy(corpus.proxyDir), MITIGATIONS.baseline] }, records: [] },
  ];
  await interleaved(arms);
  const [real, synth] = arms.map(servingCost);
  process.stdout.write(
    [
      `gomod-chaos project benchmark: ${project}`,
      `snapshot   ${snapshotSummary(cold)}`,
      `           cold ${(coldMs / 1000).toFixed(1)} s (through your GOPROXY), warm ${warmMs.toFixed(0)} ms (reused)`,
      `serve      ${real!.line}`,
      `           ${synth!.line} (${pilot.modules} modules of ${Math.round(meanKB)} KB)`,
      `           ratio of what serving adds per MB, project / synthetic: ${(real!.perMb / synth!.perMb).toFixed(2)}x`,
      `load       ${loadavg().map((l) => l.toFixed(1)).join(' ')} (1, 5, 15 min) at the end`,
      '',
    ].join('\n'),
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}
