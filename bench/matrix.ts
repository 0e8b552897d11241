/**
 * npm run bench:matrix — the runner at the size of a CI job: 5 scenarios x 6 mitigations x 10
 * repetitions on the 20-module corpus. Prints the total time (target <= 15 min on 2 cores) and
 * the runner's overhead per cell (trial wall time minus go's own; target <= 50 ms median).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenarios } from '../src/commands/run.ts';
import { readResults } from '../src/report/results.ts';
import { quantile } from '../src/stats/tests.ts';

const median = (values: readonly number[]) => quantile(values, 0.5);
import { validateScenario } from '../src/scenario/load.ts';

const REPS = Number(process.env['BENCH_REPS'] ?? 10);
const mitigations = ['http2-off', 'netdns-go', 'dns-prewarm', { name: 'concurrency', gomaxprocs: 1 }, 'http1-gateway'];
const faultsByScenario: Record<string, unknown[]> = {
  'bench-clean': [],
  'bench-slow-dns': [{ kind: 'dns-delay', match: '*', delay: '100ms' }],
  'bench-wan-latency': [{ kind: 'tcp-latency', match: '*', latency: '20ms', jitter: '5ms' }],
  'bench-h2-resets': [{ kind: 'h2-rst-stream', match: 'proxy.golang.org', path: '*.zip', afterBytes: 1000, probability: 0.1 }],
  'bench-slow-tls': [{ kind: 'tls-handshake-delay', match: '*', delay: '50ms' }],
};
const scenarios = Object.entries(faultsByScenario).map(([name, faults]) =>
  validateScenario({ name, corpus: { modules: 20, seed: 1 }, faults, mitigations, reps: REPS, timeout: '60s' }, 'bench'),
);
const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-bench-matrix-'));
try {
  const started = performance.now();
  const run = await runScenarios({ scenarios, outDir: out, quiet: true });
  const totalS = (performance.now() - started) / 1000;
  const { records } = readResults(run.resultsFile);
  const overhead = median(records.map((r) => r.wallMs - r.durationMs - r.mitigationSetupMs)) ?? NaN;
  const goTime = records.reduce((s, r) => s + r.durationMs, 0) / 1000;
  process.stdout.write(
    [
      `gomod-chaos matrix benchmark: ${scenarios.length} scenarios x ${mitigations.length + 1} mitigations x ${REPS} reps = ${records.length} trials`,
      `total                 ${totalS.toFixed(1)} s (${(totalS / 60).toFixed(1)} min)   target <= 15 min`,
      `go's own time         ${goTime.toFixed(1)} s (${((goTime / totalS) * 100).toFixed(0)} % of the total)`,
      `runner overhead/cell  median ${overhead.toFixed(1)} ms   target <= 50 ms`,
      `outcomes              ${JSON.stringify(Object.fromEntries(['ok', 'fail', 'timeout', 'harness-error'].map((o) => [o, records.filter((r) => r.outcome === o).length])))}`,
    ].join('\n') + '\n',
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}
