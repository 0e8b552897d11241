/**
 * npm run bench:relay — what the firewall's relay costs, apart from the rest of the path: a Go
 * client (bench/relay-client/main.go) fetches the 50-module corpus of bench:harness (its .info,
 * .mod and .zip files over HTTP/2, 2 workers, a new connection per rep) from a bare Go HTTPS
 * file server (the Go floor) directly, through the SNI firewall's Go relay and through the same
 * firewall relaying in node (a second entrance, `relay: 'node'`), in a random order per rep.
 * Prints each arm's median and what each relay adds, per run, with the load average.
 * BENCH_RUNS (default 3), BENCH_REPS (default 40 per arm and run).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCorpus } from '../src/corpus/generate.ts';
import { Firewall } from '../src/firewall/server.ts';
import { cacheDir } from '../src/paths.ts';
import { validateScenario } from '../src/scenario/load.ts';
import { createCertificateAuthority } from '../src/tls/ca.ts';
import { GoFloor } from '../src/topology/bench-taps.ts';
import { buildGoFloor, buildRelayClient } from './go-floor.ts';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const REPS = Number(process.env['BENCH_REPS'] ?? 40);
const HOST = 'bench.example';
const base = 20_000 + Math.floor(Math.random() * 20_000);
const PORTS = { floor: base, goRelay: base + 1, nodeRelay: base + 2 };

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(info|mod|zip)$/.test(f));
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'gomod-chaos-bench-relay-'));
  const scenario = validateScenario({ name: 'bench-relay', corpus: { modules: 50, seed: 11 } }, 'bench');
  const corpus = await ensureCorpus(scenario.corpus, cacheDir());
  const ca = await createCertificateAuthority();
  writeFileSync(join(work, 'ca.pem'), ca.certPem);
  writeFileSync(join(work, 'files.txt'), files(corpus.proxyDir).join('\n'));
  const local = (port: number) => ({ host: '127.0.0.1', port });
  const floor = await GoFloor.start(buildGoFloor(), { dir: corpus.proxyDir, certificate: await ca.issue([HOST]), workDir: work, listen: [local(PORTS.floor)] });
  const firewall = new Firewall({ listen: [local(PORTS.goRelay), { ...local(PORTS.nodeRelay), relay: 'node' }], routes: new Map([[HOST, local(PORTS.floor)]]), harnessCaPem: '', inspectionCertificates: {}, relay: 'go' });
  try {
    await firewall.start();
    if (firewall.relaying !== 'go') throw new Error('the Go relay did not start (DEBUG=gomod-chaos:firewall says why)');
    const client = buildRelayClient();
    process.stdout.write(`firewall relay benchmark: ${files(corpus.proxyDir).length} files, ${REPS} reps per arm and run\n`);
    for (let run = 1; run <= RUNS; run++) {
      const load = loadavg()[0]!;
      // asynchronously: the firewall runs on this process's event loop
      const { stdout: out } = await promisify(execFile)(client, [join(work, 'ca.pem'), join(work, 'files.txt'), String(REPS), HOST, ...Object.values(PORTS).map(String)], { encoding: 'utf8' });
      const median = (port: number) => Number(new RegExp(`port ${port} median ([\\d.]+)`).exec(out)?.[1]);
      const [direct, go, node] = [median(PORTS.floor), median(PORTS.goRelay), median(PORTS.nodeRelay)];
      process.stdout.write(`run ${run} (load ${load.toFixed(2)}): direct ${direct} ms, Go relay ${go} ms (+${(go - direct).toFixed(1)}), node relay ${node} ms (+${(node - direct).toFixed(1)})\n`);
    }
  } finally {
    await firewall.stop();
    await floor.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
// something of the set-up keeps this process busy after main (not the Go relay: the same with
// GOMOD_CHAOS_RELAY=node; not found yet): the bench is done
process.exit(0);
