/**
 * npm run bench:real — the latency a real middlebox adds, side by side with the harness's own:
 * the same scenario cells through our CONNECT proxy and squid (CONNECT), and through our SNI
 * firewall alone, haproxy in front of it, and squid peeking at the SNI. The measure is the median
 * time of the real `go mod download` in the cell every policy lets through (the mirror):
 * BENCH_ROUNDS rounds (default 4) of BENCH_REPS trials (default 4) per path, paths rotated per
 * round. The edge (our firewall, Toxiproxy, origin) is on every path, so "added" is the
 * difference to the firewall-only path measured in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScenarios } from '../src/commands/run.ts';
import { readResults } from '../src/report/results.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { quantile } from '../src/stats/tests.ts';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 4);
const REPS = Number(process.env['BENCH_REPS'] ?? 4);
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
  // every path runs in each round, in a rotated order, so machine drift spreads over all paths
  const times = new Map<string, number[]>(PATHS.map(([path]) => [path, []]));
  const scenarios = await Promise.all(PATHS.map(async ([path, file]) => {
    const scenario = await loadScenario(join(ROOT, 'scenarios/real', file));
    // only the cell every policy lets through
    return { path, scenario: { ...scenario, mitigations: scenario.mitigations.filter((m) => m.name.startsWith('mirror-list')) } };
  }));
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < scenarios.length; i++) {
      const { path, scenario } = scenarios[(i + round) % scenarios.length]!;
      const run = await runScenarios({ scenarios: [scenario], outDir: join(out, `${scenario.name}-${round}`), quiet: true, reps: REPS });
      times.get(path)!.push(...readResults(run.resultsFile).records.filter((r) => r.outcome === 'ok').map((r) => r.durationMs));
    }
    process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
  }
  const rows = PATHS.map(([path]) => {
    const t = times.get(path)!;
    return { path, medianMs: quantile(t, 0.5) ?? NaN, p90Ms: quantile(t, 0.9) ?? NaN, n: t.length };
  });
  const reference = rows[0]!.medianMs;
  console.log(`| path | median go time | p90 | added vs firewall only | ok trials |\n|---|---|---|---|---|`);
  for (const r of rows) console.log(`| ${r.path} | ${r.medianMs.toFixed(0)} ms | ${r.p90Ms.toFixed(0)} ms | ${r === rows[0] ? '-' : `${(r.medianMs - reference).toFixed(0)} ms`} | ${r.n}/${ROUNDS * REPS} |`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
