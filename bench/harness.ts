/**
 * npm run bench:harness — the harness's own cost, measured side by side in one run:
 *  1. sandbox + every component ready (spawn of the sandbox to its "ready"), median of N runs;
 *  2. per-trial harness overhead (trial wall time minus the go process's own), median;
 *  3. a cold `go mod download` of a 50-module corpus hop by hop, trials interleaved in one run:
 *     file:// (no network), the Go floor (a bare net/http HTTPS file server of the same corpus
 *     in the sandbox, bench/go-floor/main.go), our origin reached directly, + Toxiproxy, +
 *     the SNI firewall (the full path every scenario uses), and that full path with the firewall
 *     relaying in node instead of its Go relay (a comparison, not a hop). Each cell is the same client with
 *     GOPROXY=https://<default proxy host>:<port of the hop> (see src/topology/bench-taps.ts);
 *     each is printed as a ratio to the Go floor, with the load average seen during the run.
 * Prints medians and ratios; not a pass/fail test (the machines are noisy). It runs the harness
 * from src/ (Node strips the types as it loads them), so it needs no build.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { findGo, goproxyHosts, inspectGo } from '../src/client/toolchain.ts';
import { runScenarios } from '../src/commands/run.ts';
import { ensureCorpus } from '../src/corpus/generate.ts';
import { MITIGATIONS, type Mitigation } from '../src/mitigations/catalog.ts';
import { cacheDir } from '../src/paths.ts';
import { readResults } from '../src/report/results.ts';
import type { TrialRecord } from '../src/runner/record.ts';
import { validateScenario } from '../src/scenario/load.ts';
import { quantile } from '../src/stats/tests.ts';
import { BENCH_TAPS_ENV, type BenchTaps } from '../src/topology/bench-taps.ts';
import { buildGoFloor } from './go-floor.ts';

const SANDBOX_STARTS = Number(process.env['BENCH_STARTS'] ?? 9);
const REPS = Number(process.env['BENCH_REPS'] ?? 21);
const PORTS = { goFloor: 4441, origin: 4442, wan: 4443, firewallNodeRelay: 4444 } as const;

const median = (values: readonly number[]) => quantile(values, 0.5);
const fmt = (ms: number | null) => (ms === null ? '-' : `${ms.toFixed(1)} ms`);

/** 1. sandbox + components ready: one-trial runs of a tiny corpus. */
async function readyTimes(out: string): Promise<number[]> {
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
  return readyMs;
}

/** The cells of the hop-by-hop download, in path order; `baseline` is the full path. */
function hopCells(proxyDir: string, host: string): Array<{ label: string; mitigation: Mitigation }> {
  const via = (name: string, label: string, description: string, env: Record<string, string>) => ({ label, mitigation: { name, kind: 'baseline' as const, description, env } });
  const tap = (port: number) => ({ GOPROXY: `https://${host}:${port}` });
  return [
    via('file-proxy', 'file://', 'GOPROXY=file:// of the same corpus: no network at all', { GOPROXY: `file://${proxyDir}` }),
    via('go-floor', 'Go floor', 'a bare Go net/http HTTPS file server of the corpus', tap(PORTS.goFloor)),
    via('origin-direct', 'origin direct', 'our origin, no Toxiproxy, no firewall', tap(PORTS.origin)),
    via('toxiproxy', '+ Toxiproxy', 'Toxiproxy -> origin, no firewall', tap(PORTS.wan)),
    { label: '+ firewall (full)', mitigation: MITIGATIONS.baseline },
  ];
}

/** Not a hop: the full path with the firewall relaying in node (its Go relay's comparison). */
function nodeRelayCell(host: string) {
  const description = 'the full path, the firewall forwarding through node instead of its Go relay';
  return { label: '(full, node relay)', mitigation: { name: 'full-node-relay', kind: 'baseline' as const, description, env: { GOPROXY: `https://${host}:${PORTS.firewallNodeRelay}` } } };
}

/** The load average every 2 s while `work` runs: what else the machine was doing. */
async function withLoad<T>(work: () => Promise<T>): Promise<{ result: T; load: number[] }> {
  const load = [loadavg()[0]!];
  const timer = setInterval(() => load.push(loadavg()[0]!), 2_000);
  try {
    return { result: await work(), load };
  } finally {
    clearInterval(timer);
  }
}

/** 2 + 3. the 50-module corpus, each hop a cell of one interleaved run. */
async function hopByHop(out: string) {
  const scenario = validateScenario({ name: 'bench-download', corpus: { modules: 50, seed: 11 }, reps: REPS, timeout: '120s' }, 'bench');
  const corpus = await ensureCorpus(scenario.corpus, cacheDir());
  const host = goproxyHosts(inspectGo(findGo()).defaultGoproxy)[0];
  if (!host) throw new Error('the toolchain has no default https GOPROXY');
  const taps: BenchTaps = { originPort: PORTS.origin, wanPort: PORTS.wan, firewallNodeRelayPort: PORTS.firewallNodeRelay, goFloor: { binary: buildGoFloor(), port: PORTS.goFloor, host } };
  const cells = hopCells(corpus.proxyDir, host);
  const comparison = nodeRelayCell(host);
  process.env[BENCH_TAPS_ENV] = JSON.stringify(taps);
  try {
    const { result: run, load } = await withLoad(() => runScenarios({ scenarios: [{ ...scenario, mitigations: [...cells, comparison].map((c) => c.mitigation) }], outDir: join(out, 'download'), quiet: true, parallel: 1 }));
    return { cells, comparison, records: readResults(run.resultsFile).records, load, resultsFile: run.resultsFile };
  } finally {
    delete process.env[BENCH_TAPS_ENV];
  }
}

function hopLines(cells: ReturnType<typeof hopCells>, comparison: ReturnType<typeof nodeRelayCell>, records: readonly TrialRecord[]): string[] {
  const ok = (name: string) => records.filter((r) => r.mitigation === name && r.outcome === 'ok').map((r) => r.durationMs);
  const medians = cells.map((c) => median(ok(c.mitigation.name)));
  const floor = medians[1] ?? null;
  const lines = ['  cell                median        n   / Go floor   this hop adds'];
  cells.forEach((c, i) => {
    const m = medians[i] ?? null;
    const ratio = m !== null && floor ? `${(m / floor).toFixed(2)}x` : '-';
    const previous = i >= 2 ? (medians[i - 1] ?? null) : null;
    const adds = m !== null && previous !== null ? `${m - previous >= 0 ? '+' : ''}${(m - previous).toFixed(1)} ms` : '';
    lines.push(`  ${c.label.padEnd(18)}  ${fmt(m).padStart(10)}  ${String(ok(c.mitigation.name).length).padStart(5)}   ${ratio.padStart(8)}   ${adds}`);
  });
  const full = medians[medians.length - 1] ?? null;
  lines.push(`  full path / Go floor  ${full !== null && floor ? (full / floor).toFixed(2) : '-'}x   target <= 1.2x`);
  const nodeRelay = ok(comparison.mitigation.name);
  const m = median(nodeRelay);
  const vsFull = m !== null && full !== null ? `${m - full >= 0 ? '+' : ''}${(m - full).toFixed(1)} ms vs the Go relay` : '';
  lines.push(`  ${comparison.label.padEnd(18)}  ${fmt(m).padStart(10)}  ${String(nodeRelay.length).padStart(5)}   ${(m !== null && floor ? `${(m / floor).toFixed(2)}x` : '-').padStart(8)}   ${vsFull}`);
  return lines;
}

async function main(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-bench-'));
  try {
    const readyMs = await readyTimes(out);
    const { cells, comparison, records, load, resultsFile } = await hopByHop(out);
    const overhead = median(records.map((r) => r.wallMs - r.durationMs));
    const failed = records.filter((r) => r.outcome !== 'ok').length;
    const lines = [
      `gomod-chaos harness benchmark (${records[0]?.goVersion ?? '?'}, ${REPS} reps per cell, ${SANDBOX_STARTS} sandbox starts)`,
      '',
      `sandbox + every component ready   median ${fmt(median(readyMs))}  (min ${fmt(Math.min(...readyMs))}, max ${fmt(Math.max(...readyMs))})   target <= 500 ms`,
      `per-trial harness overhead        median ${fmt(overhead)}   target <= 50 ms`,
      `50-module cold download (go's own time), hop by hop, cells interleaved:`,
      ...hopLines(cells, comparison, records),
      `  load average (1 min) during it: median ${median(load)?.toFixed(2)} (min ${Math.min(...load).toFixed(2)}, max ${Math.max(...load).toFixed(2)}), ${load.length} samples`,
      failed ? `  (${failed} trials did not succeed: see ${resultsFile})` : '',
    ];
    process.stdout.write(lines.filter((l) => l !== '').join('\n') + '\n');
  } finally {
    if (!process.env['BENCH_KEEP']) rmSync(out, { recursive: true, force: true });
  }
}

await main();
