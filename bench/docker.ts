/**
 * npm run bench:docker — the docker backend's own cost, next to the netns backend's, in one run:
 *  1. environment ready with cached images (run start to the client's "ready": engine check,
 *     network, six host containers and the client container), median of N starts;
 *  2. per-trial harness overhead (trial wall time minus the go process's own), median;
 *  3. the same 20-module download on both backends: the ratio of medians.
 * Images are built (once) before anything is timed. Prints medians and ratios, not pass/fail.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenarios } from '../src/commands/run.ts';
import { readResults } from '../src/report/results.ts';
import { validateScenario } from '../src/scenario/load.ts';
import { quantile } from '../src/stats/tests.ts';

const STARTS = Number(process.env['BENCH_STARTS'] ?? 5);
const REPS = Number(process.env['BENCH_REPS'] ?? 15);
const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-bench-docker-'));
const median = (values: readonly number[]) => quantile(values, 0.5);
const fmt = (ms: number | null) => (ms === null ? '-' : `${ms.toFixed(1)} ms`);

try {
  const tiny = validateScenario({ name: 'bench-ready', corpus: { modules: 3, zipSizeKB: { median: 2, sigma: 0 } }, reps: 1 }, 'bench');
  // warm-up: builds the images when their inputs changed (not timed)
  await runScenarios({ scenarios: [tiny], outDir: join(out, 'warm-up'), quiet: true, backend: 'docker' });
  const readyMs: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    await runScenarios({ scenarios: [tiny], outDir: join(out, `ready-${i}`), quiet: true, backend: 'docker', onEvent: (e) => e.type === 'ready' && e.sinceSpawnMs !== undefined && readyMs.push(e.sinceSpawnMs) });
  }

  const scenario = validateScenario({ name: 'bench-download', corpus: { modules: 20, seed: 11 }, reps: REPS, timeout: '120s' }, 'bench');
  const side = async (backend: 'netns' | 'docker') => {
    const run = await runScenarios({ scenarios: [scenario], outDir: join(out, backend), quiet: true, backend });
    const { records } = readResults(run.resultsFile);
    const ok = records.filter((r) => r.outcome === 'ok');
    return { n: ok.length, failed: records.length - ok.length, download: median(ok.map((r) => r.durationMs)), overhead: median(records.map((r) => r.wallMs - r.durationMs)) };
  };
  // alternate the sides so drift of the machine hits both
  const netns = await side('netns');
  const docker = await side('docker');

  const lines = [
    `gomod-chaos docker backend benchmark (${STARTS} starts, ${REPS} reps per backend)`,
    '',
    `environment ready, cached images  median ${fmt(median(readyMs))}  (min ${fmt(Math.min(...readyMs))}, max ${fmt(Math.max(...readyMs))})   target <= 10 s`,
    `per-trial harness overhead        docker median ${fmt(docker.overhead)}, netns median ${fmt(netns.overhead)}   target <= 300 ms`,
    `20-module download                docker median ${fmt(docker.download)} (n=${docker.n}), netns median ${fmt(netns.download)} (n=${netns.n})`,
    `  ratio docker / netns            ${docker.download && netns.download ? (docker.download / netns.download).toFixed(2) : '-'}x`,
    docker.failed + netns.failed ? `  (${docker.failed} docker and ${netns.failed} netns trials did not succeed)` : '',
  ];
  process.stdout.write(lines.filter((l) => l !== '').join('\n') + '\n');
} finally {
  if (!process.env['BENCH_KEEP']) rmSync(out, { recursive: true, force: true });
}
