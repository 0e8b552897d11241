/**
 * The firewall's byte relay outside node (relay/main.go): once the firewall has decided to
 * forward a connection, node hands the accepted socket to a small Go process over its IPC channel
 * (`child.send(message, socket)`: the fd in SCM_RIGHTS) and the bytes flow there (one read and
 * one write per chunk, no event loop in between); the firewall keeps every decision, its log and
 * MITM. Given the WAN's API address the same process is the WAN (relay/wan.go: Toxiproxy's own
 * server as a library), and a connection to a link without toxics enters that link in-process
 * rather than over one more loopback socket. The binary is built once with the local go into the
 * harness cache under the hash of its source; without it the firewall relays in node and the WAN
 * is the toxiproxy-server binary.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import type net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { errorMessage, HarnessError } from '../errors.ts';
import { debug, logTail } from '../log.ts';
import { cacheDir, executable } from '../paths.ts';

const log = debug('firewall');
const SOURCE_DIR = fileURLToPath(new URL('./relay/', import.meta.url));
/** A path to the relay binary, or `node` to relay in node (A/B benchmarks, hosts that cannot run it). */
export const RELAY_ENV = 'GOMOD_CHAOS_RELAY';

function sourceHash(): string | undefined {
  try {
    const hash = createHash('sha256');
    for (const file of readdirSync(SOURCE_DIR).filter((f) => /\.(go|mod|sum)$/.test(f)).sort()) hash.update(file).update(readFileSync(join(SOURCE_DIR, file)));
    return hash.digest('hex').slice(0, 16);
  } catch {
    return undefined;
  }
}

function cachedRelayPath(): string | undefined {
  const hash = sourceHash();
  return hash && join(cacheDir(), 'bin', `firewall-relay-${hash}`);
}

/** The relay binary: $GOMOD_CHAOS_RELAY, else the cache; undefined = relay in node (and why). */
export function locateRelay(env: NodeJS.ProcessEnv = process.env): { path?: string; why?: string } {
  const explicit = env[RELAY_ENV];
  if (explicit === 'node') return { why: `${RELAY_ENV}=node` };
  if (explicit) return executable(explicit) ? { path: explicit } : { why: `${RELAY_ENV}=${explicit} is not an executable file` };
  const cached = cachedRelayPath();
  if (!cached) return { why: `its source is not in ${SOURCE_DIR}` };
  return executable(cached) ? { path: cached } : { why: `not built yet (${cached})` };
}

/**
 * Builds the relay into the cache if it is not there (Toxiproxy's modules come through the user's
 * GOPROXY, as toxiproxy-server's do; a few seconds with a warm go build cache). A failure is not
 * fatal: the firewall then relays in node, and says so in its debug line.
 */
export function ensureRelay(goBinary: string, onProgress: (line: string) => void): string | undefined {
  const found = locateRelay();
  if (found.path || process.env[RELAY_ENV]) return found.path;
  const target = cachedRelayPath();
  if (!target) return undefined;
  mkdirSync(join(target, '..'), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  onProgress(`building the firewall's relay with ${goBinary} (once)`);
  try {
    execFileSync(goBinary, ['build', '-trimpath', '-o', partial, '.'], {
      cwd: SOURCE_DIR,
      env: { ...process.env, GOFLAGS: '-mod=readonly', CGO_ENABLED: '0', GOTOOLCHAIN: 'local' },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 300_000,
    });
    renameSync(partial, target);
    return target;
  } catch (err) {
    rmSync(partial, { force: true });
    onProgress(`could not build the firewall's relay (${errorMessage(err).split('\n')[0]}): the firewall relays in node and the WAN is toxiproxy-server`);
    return undefined;
  }
}

/** What the relay says per connection once it closed, and per open connection when asked. */
const RelayMessage = z.discriminatedUnion('op', [
  z.object({ op: z.literal('closed'), id: z.number(), up: z.number(), down: z.number(), ms: z.number(), failed: z.boolean() }),
  z.object({ op: z.literal('counts'), seq: z.number(), open: z.array(z.tuple([z.number(), z.number(), z.number()])) }),
  z.object({ op: z.literal('ready') }),
]);
export type RelayClosed = Extract<z.infer<typeof RelayMessage>, { op: 'closed' }>;

/** The socket's native handle: stopped reading before it is handed over, so node takes no byte of it. */
type ReadingHandle = { readStop(): number };

/** The WAN the relay serves: Toxiproxy's API address, and the file its log (warnings) goes to. */
export interface RelayWan {
  apiHost: string;
  apiPort: number;
  logFile: string;
}

/** Undefined once the relay says its WAN answers; else why not (it exited, or said nothing in 15 s). */
function wanReady(child: ChildProcess): Promise<string | undefined> {
  return new Promise((resolve) => {
    const done = (why: string | undefined) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(why);
    };
    const onMessage = (message: unknown) => RelayMessage.safeParse(message).data?.op === 'ready' && done(undefined);
    const onExit = (code: number | null) => done(`the relay exited (code ${code}) before its WAN answered`);
    const timer = setTimeout(() => done('the relay\'s WAN did not answer within 15 s'), 15_000);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** One relay process for one firewall; it exits when its channel closes (the firewall's process died). */
export class GoRelay {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private readonly syncs = new Map<number, (open: Array<[number, number, number]>) => void>();
  private nextSeq = 1;

  private constructor(child: ChildProcess, onClosed: (report: RelayClosed) => void) {
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.on('message', (raw: unknown) => {
      const message = RelayMessage.safeParse(raw);
      if (!message.success) return log('relay: unexpected message', JSON.stringify(raw));
      if (message.data.op === 'closed') return onClosed(message.data);
      if (message.data.op === 'ready') return;
      this.syncs.get(message.data.seq)?.(message.data.open);
      this.syncs.delete(message.data.seq);
    });
    child.once('exit', () => {
      for (const resolve of this.syncs.values()) resolve([]);
      this.syncs.clear();
    });
  }

  /**
   * The relay, or undefined (with a debug line) when there is none: the firewall relays in node.
   * With `wan` it serves the WAN too, and a relay that cannot start is an error.
   */
  static async start(onClosed: (report: RelayClosed) => void, wan?: RelayWan): Promise<GoRelay | undefined> {
    const { path, why } = locateRelay();
    const fail = (reason: string) => {
      if (wan) throw new HarnessError('COMPONENT_START', `the WAN (Toxiproxy in the firewall's relay) did not start: ${reason}`);
      log(`relaying in node: ${reason}`);
      return undefined;
    };
    if (!path) return fail(`no Go relay (${why})`);
    const logFd = wan ? openSync(wan.logFile, 'a') : undefined;
    const child = spawn(path, wan ? ['-wan-api', `${wan.apiHost}:${wan.apiPort}`] : [], {
      stdio: ['ignore', 'inherit', logFd ?? 'inherit', 'ipc'],
      serialization: 'json',
      // as the WAN, one P as toxiproxy-server is run (toxiproxy.ts): a chunk crosses a link's goroutines by channel handoffs on it
      env: wan ? { ...process.env, GOMAXPROCS: '1' } : process.env,
    });
    if (logFd !== undefined) closeSync(logFd);
    const started = await new Promise<string | undefined>((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', (err) => resolve(err.message));
    });
    if (started !== undefined) return fail(`the Go relay did not start (${started})`);
    const unready = wan && (await wanReady(child));
    if (unready) {
      child.kill('SIGKILL');
      return fail(`${unready}: ${logTail(wan.logFile)}`);
    }
    // the firewall's owner stops it; neither keeps the firewall's process alive on its own
    log(`relaying forwarded connections through the Go relay (pid ${child.pid})`);
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
    return new GoRelay(child, onClosed);
  }

  get alive(): boolean {
    return this.child.connected;
  }

  /**
   * Hands `client` over: the relay dials the upstream, writes `first` and relays both ways.
   * False when it cannot (the socket stays node's). The socket object is detached from its fd.
   */
  handOver(client: net.Socket, first: Buffer, id: number, upstream: { host: string; port: number }): boolean {
    const handle = (client as unknown as { _handle?: Partial<ReadingHandle> | null })._handle;
    if (!this.alive || client.destroyed || client.readableEnded || typeof handle?.readStop !== 'function') return false;
    // what node read past the hello (while paused, or during a delay) goes first; then no more reads
    const rest = client.readableLength > 0 ? (client.read() as Buffer | null) : null;
    handle.readStop();
    const bytes = rest ? Buffer.concat([first, rest]) : first;
    this.child.send({ id, host: upstream.host, port: upstream.port, first: bytes.toString('base64') }, client, (err) => {
      if (err) log('relay: handing over connection', id, 'failed:', err.message);
    });
    return true;
  }

  /** The byte counts of the connections still open in the relay, after every close report before them. */
  openCounts(): Promise<Array<[number, number, number]>> {
    if (!this.alive) return Promise.resolve([]);
    const seq = this.nextSeq++;
    return new Promise((resolve) => {
      this.syncs.set(seq, resolve);
      this.child.send({ op: 'sync', seq });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

