import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { HarnessError } from '../errors.ts';
import type { KeyPairPem } from '../tls/ca.ts';

/**
 * bench:harness only (npm run bench:harness sets GOMOD_CHAOS_BENCH_TAPS): extra entrances on the
 * edge's own addresses, one port per hop, so a client that names a port in its GOPROXY URL
 * (https://proxy.golang.org:<port>) skips the hops in front of it. The same DNS answer, the same
 * name and certificate, the same client: only the path behind the address changes.
 *  - originPort: the origin itself (no firewall, no Toxiproxy);
 *  - wanPort: a Toxiproxy link straight to the origin (no firewall);
 *  - firewallNodeRelayPort: the firewall, forwarding through node's sockets instead of its Go relay;
 *  - goFloor: a bare Go net/http HTTPS file server of the corpus (the physical floor).
 * Trials never use these ports unless their GOPROXY names them; a run without the variable has none.
 */
const benchTapsSchema = z.strictObject({
  originPort: z.number().int().min(1).max(65_535),
  wanPort: z.number().int().min(1).max(65_535),
  /** The full path (firewall, Toxiproxy, origin) with the firewall relaying in node, not in its Go relay. */
  firewallNodeRelayPort: z.number().int().min(1).max(65_535).optional(),
  /** `host`: the public name whose certificate it serves (the default GOPROXY's host). */
  goFloor: z.strictObject({ binary: z.string().min(1), port: z.number().int().min(1).max(65_535), host: z.string().min(1) }).optional(),
});

export type BenchTaps = z.infer<typeof benchTapsSchema>;

export const BENCH_TAPS_ENV = 'GOMOD_CHAOS_BENCH_TAPS';

/** The taps the benchmark asked for, if any. */
export function benchTapsFromEnv(env: NodeJS.ProcessEnv = process.env): BenchTaps | undefined {
  const raw = env[BENCH_TAPS_ENV];
  if (!raw) return undefined;
  const parsed = benchTapsSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new HarnessError('BAD_INPUT', `${BENCH_TAPS_ENV}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** Where a tap listens: the edge's addresses (what DNS answers), at the tap's port. */
export function tapAddresses(edge: { firewall: string; firewallV6: string | undefined }, port: number): Array<{ host: string; port: number }> {
  return [{ host: edge.firewall, port }, ...(edge.firewallV6 ? [{ host: edge.firewallV6, port }] : [])];
}

/** Starts the Go floor when the taps ask for one: the corpus as files, the host's certificate. */
/** What the Go floor needs of the run's network plan (structural: hosts.ts imports this file). */
interface GoFloorPlan {
  pki: { hostCertificates: Record<string, KeyPairPem | undefined> };
  corpus: { proxyDir: string };
  addresses: { firewall: string; firewallV6: string | undefined };
}

export async function startGoFloor(taps: BenchTaps | undefined, plan: GoFloorPlan, workDir: string): Promise<GoFloor | undefined> {
  if (!taps?.goFloor) return undefined;
  const certificate = plan.pki.hostCertificates[taps.goFloor.host];
  if (!certificate) throw new HarnessError('BAD_INPUT', `${BENCH_TAPS_ENV}: no public host ${taps.goFloor.host}`);
  return GoFloor.start(taps.goFloor.binary, { dir: plan.corpus.proxyDir, certificate, workDir, listen: tapAddresses(plan.addresses, taps.goFloor.port) });
}

/** The Go floor server, owned here: stop() ends it. */
export class GoFloor {
  private readonly child: ChildProcess;

  private constructor(child: ChildProcess) {
    this.child = child;
  }

  static async start(binary: string, options: { dir: string; certificate: KeyPairPem; workDir: string; listen: Array<{ host: string; port: number }> }): Promise<GoFloor> {
    const cert = join(options.workDir, 'go-floor-cert.pem');
    const key = join(options.workDir, 'go-floor-key.pem');
    await writeFile(cert, options.certificate.certPem);
    await writeFile(key, options.certificate.keyPem);
    const addresses = options.listen.map((l) => (l.host.includes(':') ? `[${l.host}]:${l.port}` : `${l.host}:${l.port}`));
    // the key exchange go and proxy.golang.org (and the origin) agree on, X25519MLKEM768: the
    // floor's go.mod line (go 1.22) would otherwise turn it off (a GODEBUG default), a cheaper
    // handshake than any other server of the run makes
    const child = spawn(binary, [options.dir, cert, key, ...addresses], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GODEBUG: 'tlsmlkem=1' } });
    const floor = new GoFloor(child);
    const stderr: string[] = [];
    createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
    const ready = new Promise<boolean>((resolve) => createInterface({ input: child.stdout! }).once('line', (l) => resolve(l === 'ready')));
    const failed = new Promise<boolean>((resolve) => {
      child.once('exit', () => resolve(false));
      child.once('error', () => resolve(false));
    });
    if (!(await Promise.race([ready, failed]))) {
      await floor.stop();
      throw new HarnessError('COMPONENT_START', `go-floor (${binary}) did not start: ${stderr.slice(-3).join(' | ') || 'no output'}`);
    }
    return floor;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null || this.child.pid === undefined) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }
}
