/**
 * npm run bench:vcs — what a direct VCS fetch costs against the module proxy, on a clean
 * network and with WAN latency: `go mod download` of the default synthetic corpus (20 modules)
 * through the proxy (baseline), with GOPROXY=direct (go's ?go-get=1, then git smart HTTP per
 * module), and with git held to HTTP/1.1. Medians of BENCH_REPS trials each (default 5), the
 * ratio to the proxy and the requests per trial. Not a pass/fail test: the machines are noisy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenarios } from '../src/commands/run.ts';
import { readResults } from '../src/report/results.ts';
import type { TrialRecord } from '../src/runner/record.ts';
import { validateScenario } from '../src/scenario/load.ts';
import { quantile } from '../src/stats/tests.ts';

const REPS = Number(process.env['BENCH_REPS'] ?? 5);
const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-bench-vcs-'));
const median = (values: readonly number[]) => quantile(values, 0.5) ?? NaN;
const MITIGATIONS = ['goproxy-direct', 'git-http1'] as const;

async function run(name: string, faults: unknown[]): Promise<TrialRecord[]> {
  const scenario = validateScenario({ name, reps: REPS, timeout: '300s', corpus: { modules: 20, seed: 1 }, faults, mitigations: [...MITIGATIONS] }, 'bench');
  const result = await runScenarios({ scenarios: [scenario], outDir: join(out, name), quiet: true });
  return readResults(result.resultsFile).records;
}

function lines(title: string, records: readonly TrialRecord[]): string[] {
  const cell = (m: string) => records.filter((r) => r.mitigation === m && r.outcome === 'ok');
  const base = median(cell('baseline').map((r) => r.durationMs));
  return [
    title,
    ...['baseline', ...MITIGATIONS].map((m) => {
      const ok = cell(m);
      const ms = median(ok.map((r) => r.durationMs));
      const requests = median(ok.map((r) => r.http.requests + (r.vcs?.requests ?? 0)));
      const git = median(ok.map((r) => r.vcs?.git ?? 0));
      return `  ${m.padEnd(15)} ${ms.toFixed(0).padStart(6)} ms  ${(ms / base).toFixed(2)}x proxy  (${ok.length}/${REPS} ok, ${requests} requests/trial, ${git} by git)`;
    }),
  ];
}

try {
  const clean = await run('bench-vcs-clean', []);
  const latency = await run('bench-vcs-latency', [{ kind: 'tcp-latency', match: '*', latency: '20ms' }]);
  process.stdout.write([...lines('clean network', clean), ...lines('20 ms WAN latency on every host', latency), ''].join('\n'));
} finally {
  rmSync(out, { recursive: true, force: true });
}
