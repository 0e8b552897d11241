/**
 * npm run bench:project [-- <project dir>] — the cost of running a real project:
 *  1. snapshot: cold (an empty harness cache, through your GOPROXY) and warm (reused);
 *  2. serving it: `go mod download` of the project through the clean fake internet versus the
 *     synthetic corpus of about the same size (same module count, zips of the same mean size),
 *     in ms per MB; prints the ratio (serving a snapshot should cost no more per MB).
 * Medians of BENCH_REPS trials each (default 5). Not a pass/fail test: the machines are noisy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/** Median ms per MB of the origin's bytes, over the ok trials of a run. */
async function msPerMb(name: string, fields: Record<string, unknown>): Promise<{ msPerMb: number; mb: number; ok: number }> {
  const scenario = validateScenario({ name, reps: REPS, timeout: '300s', ...fields }, 'bench');
  const run = await runScenarios({ scenarios: [scenario], outDir: join(out, name), quiet: true });
  const ok = readResults(run.resultsFile).records.filter((r) => r.outcome === 'ok' && r.mitigation === 'baseline');
  return { msPerMb: median(ok.map((r) => r.durationMs / (r.bytes / 1e6))), mb: median(ok.map((r) => r.bytes / 1e6)), ok: ok.length };
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
  const withZip = snapshot.modules.filter((m) => m.zipBytes > 0);
  const meanKB = snapshot.totalZipBytes / withZip.length / 1000;
  const real = await msPerMb('bench-project', { project });
  const synthetic = await msPerMb('bench-synthetic', { corpus: { modules: withZip.length, maxVersions: 1, zipSizeKB: { median: Math.round(meanKB), sigma: 0 } } });
  process.stdout.write(
    [
      `gomod-chaos project benchmark: ${project}`,
      `snapshot   ${snapshotSummary(cold)}`,
      `           cold ${(coldMs / 1000).toFixed(1)} s (through your GOPROXY), warm ${warmMs.toFixed(0)} ms (reused)`,
      `serve      project   ${real.msPerMb.toFixed(1)} ms/MB (median of ${real.ok} ok trials, ${real.mb.toFixed(1)} MB each)`,
      `           synthetic ${synthetic.msPerMb.toFixed(1)} ms/MB (median of ${synthetic.ok} ok trials, ${synthetic.mb.toFixed(1)} MB each, ${withZip.length} modules of ${Math.round(meanKB)} KB)`,
      `           ratio project / synthetic: ${(real.msPerMb / synthetic.msPerMb).toFixed(2)}x`,
      '',
    ].join('\n'),
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}
