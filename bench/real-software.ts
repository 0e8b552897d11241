/**
 * npm run bench:real — the latency a real middlebox adds, side by side with the harness's own:
 * the same scenario cells through our CONNECT proxy and squid (CONNECT), and through our SNI
 * firewall alone, haproxy in front of it, and squid peeking at the SNI. The measure is the median
 * time of the real `go mod download` in the cell every policy lets through (the mirror), BENCH_REPS
 * trials each (default 15). The edge (our firewall, Toxiproxy, origin) is on every path, so
 * "added" is the difference to the firewall-only path measured in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScenarios } from '../src/commands/run.ts';
import { readResults } from '../src/report/results.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { quantile } from '../src/stats/tests.ts';

const REPS = Number(process.env['BENCH_REPS'] ?? 15);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PATHS = [
  ['firewall only (ours, reference)', 'ours-sni-close.ts'],
  ['+ our CONNECT proxy', 'ours-connect-deny.ts'],
  ['+ squid CONNECT', 'squid-connect-deny.ts'],
  ['+ haproxy SNI gateway', 'haproxy-sni-gateway.ts'],
  ['+ squid ssl_bump peek/splice', 'squid-sni-filter.ts'],
] as const;

const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-bench-real-'));
try {
  const rows: Array<{ path: string; medianMs: number; p90Ms: number; n: number }> = [];
  for (const [path, file] of PATHS) {
    const scenario = await loadScenario(join(ROOT, 'scenarios/real', file));
    // only the cell every policy lets through
    const mirrorOnly = { ...scenario, mitigations: scenario.mitigations.filter((m) => m.name.startsWith('mirror-list')) };
    const run = await runScenarios({ scenarios: [mirrorOnly], outDir: join(out, scenario.name), quiet: true, reps: REPS });
    const times = readResults(run.resultsFile).records.filter((r) => r.outcome === 'ok').map((r) => r.durationMs);
    const medianMs = quantile(times, 0.5) ?? NaN;
    rows.push({ path, medianMs, p90Ms: quantile(times, 0.9) ?? NaN, n: times.length });
    process.stderr.write(`${path}: median ${medianMs.toFixed(0)} ms (n=${times.length})\n`);
  }
  const reference = rows[0]!.medianMs;
  console.log(`| path | median go time | p90 | added vs firewall only | ok trials |\n|---|---|---|---|---|`);
  for (const r of rows) console.log(`| ${r.path} | ${r.medianMs.toFixed(0)} ms | ${r.p90Ms.toFixed(0)} ms | ${r === rows[0] ? '-' : `${(r.medianMs - reference).toFixed(0)} ms`} | ${r.n}/${REPS} |`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
