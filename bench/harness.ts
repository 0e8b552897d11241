/**
 * npm run bench:harness — the harness's own cost, measured side by side in one run:
 *  1. sandbox + every component ready (spawn of the sandbox to its "ready"), median of N runs;
 *  2. per-trial harness overhead (trial wall time minus the go process's own), median;
 *  3. a cold `go mod download` of a 50-module corpus through the whole fake internet versus the
 *     same download from a file:// GOPROXY (no network at all), trials interleaved in one run.
 * Prints medians and ratios; not a pass/fail test (the machines are noisy). It runs the harness
 * from src/ (Node strips the types as it loads them), so it needs no build.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenarios } from '../src/commands/run.ts';
import { ensureCorpus } from '../src/corpus/generate.ts';
import { MITIGATIONS } from '../src/mitigations/catalog.ts';
import { cacheDir } from '../src/paths.ts';
import { readResults } from '../src/report/results.ts';
import { quantile } from '../src/stats/tests.ts';

const median = (values: readonly number[]) => quantile(values, 0.5);
import { validateScenario } from '../src/scenario/load.ts';

const SANDBOX_STARTS = Number(process.env['BENCH_STARTS'] ?? 9);
const REPS = Number(process.env['BENCH_REPS'] ?? 15);
const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-bench-'));

function fmt(ms: number | null): string {
  return ms === null ? '-' : `${ms.toFixed(1)} ms`;
}

try {
  // 1. sandbox + components ready: one-trial runs of a tiny corpus
  const tiny = validateScenario({ name: 'bench-ready', corpus: { modules: 3, zipSizeKB: { median: 2, sigma: 0 } }, reps: 1 }, 'bench');
  const readyMs: number[] = [];
  for (let i = 0; i < SANDBOX_STARTS; i++) {
    await runScenarios({
      scenarios: [tiny],
      outDir: join(out, `ready-${i}`),
      quiet: true,
      onEvent: (e) => e.type === 'ready' && e.sinceSpawnMs !== undefined && readyMs.push(e.sinceSpawnMs),
    });
  }

  // 2 + 3. 50-module corpus: fake internet (baseline) vs file:// GOPROXY, interleaved
  const scenario = validateScenario({ name: 'bench-download', corpus: { modules: 50, seed: 11 }, reps: REPS, timeout: '120s' }, 'bench');
  const corpus = await ensureCorpus(scenario.corpus, cacheDir());
  const fileProxy = { name: 'file-proxy', kind: 'baseline' as const, description: 'GOPROXY=file:// of the same corpus: no network at all', env: { GOPROXY: `file://${corpus.proxyDir}` } };
  const run = await runScenarios({ scenarios: [{ ...scenario, mitigations: [MITIGATIONS.baseline, fileProxy] }], outDir: join(out, 'download'), quiet: true });
  const { records } = readResults(run.resultsFile);
  const ok = (name: string) => records.filter((r) => r.mitigation === name && r.outcome === 'ok');
  const network = median(ok('baseline').map((r) => r.durationMs));
  const local = median(ok('file-proxy').map((r) => r.durationMs));
  const overhead = median(records.map((r) => r.wallMs - r.durationMs));
  const failed = records.filter((r) => r.outcome !== 'ok').length;

  const lines = [
    `gomod-chaos harness benchmark (${records[0]?.goVersion ?? '?'}, ${REPS} reps per side, ${SANDBOX_STARTS} sandbox starts)`,
    '',
    `sandbox + every component ready   median ${fmt(median(readyMs))}  (min ${fmt(Math.min(...readyMs))}, max ${fmt(Math.max(...readyMs))})   target <= 500 ms`,
    `per-trial harness overhead        median ${fmt(overhead)}   target <= 50 ms`,
    `50-module cold download           fake internet median ${fmt(network)} (n=${ok('baseline').length}), file:// median ${fmt(local)} (n=${ok('file-proxy').length})`,
    `  ratio fake internet / file://   ${network && local ? (network / local).toFixed(2) : '-'}x   target <= 1.25x`,
    failed ? `  (${failed} trials did not succeed: see ${run.resultsFile})` : '',
  ];
  process.stdout.write(lines.filter((l) => l !== '').join('\n') + '\n');
} finally {
  if (!process.env['BENCH_KEEP']) rmSync(out, { recursive: true, force: true });
}
