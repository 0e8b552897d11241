import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Toxiproxy, type Proxy } from 'toxiproxy-node-client';
import { HarnessError } from '../errors.ts';
import { logTail } from '../log.ts';
import { matchesPattern } from '../faults/window.ts';
import { toxicFor, type WanFault } from './faults.ts';

export interface WanLink {
  /** The hostname this link carries (also the Toxiproxy proxy name). */
  name: string;
  listen: string;
  upstream: string;
}

export interface WanOptions {
  binary: string;
  apiHost: string;
  apiPort: number;
  logFile: string;
  startTimeoutMs?: number;
}

/**
 * The WAN: the real Toxiproxy server (v2.5.0), one proxy per public hostname between the firewall
 * and the origin. TCP faults are its toxics. On the netns backend with the firewall's Go relay
 * built, the server runs in that relay's process (src/firewall/relay/wan.go, Toxiproxy's own code
 * as a library), which the firewall owns: `answering()`. Otherwise it is the toxiproxy-server
 * binary, owned here and stopped by stop() (`start()`), or a container's (`connect()`).
 */
export class Wan {
  readonly client: Toxiproxy;
  readonly proxies = new Map<string, Proxy>();
  /** The server process when this Wan started it; undefined when it runs elsewhere (a container). */
  private readonly child: ChildProcess | undefined;
  private readonly options: WanOptions;
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  private constructor(child: ChildProcess | undefined, options: WanOptions) {
    this.child = child;
    this.options = options;
    this.client = new Toxiproxy(`http://${options.apiHost}:${options.apiPort}`);
    child?.once('exit', (code, signal) => (this.exited = { code, signal }));
  }

  /** A Toxiproxy server that runs elsewhere (the docker backend's WAN container): not ours to stop. */
  static connect(apiHost: string, apiPort: number): Wan {
    return new Wan(undefined, { binary: '', apiHost, apiPort, logFile: '' });
  }

  static async start(options: WanOptions): Promise<Wan> {
    const log = createWriteStream(options.logFile, { flags: 'a' });
    await new Promise((resolve) => log.once('open', resolve));
    const child = spawn(options.binary, ['-host', options.apiHost, '-port', String(options.apiPort)], {
      stdio: ['ignore', log, log],
      // one P: a chunk crosses Toxiproxy's chain of goroutines (reader, noop toxic, writer) by
      // channel handoffs, which stay on that P instead of waking another OS thread per chunk
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LOG_LEVEL: 'warn', GOMAXPROCS: '1' },
    });
    const wan = new Wan(child, options);
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    try {
      return await wan.answered(`toxiproxy-server (${options.binary})`, spawnError);
    } catch (err) {
      await wan.stop();
      throw err;
    }
  }

  /** The WAN served by the firewall's Go relay (relay.ts), once its API answers: the firewall owns that process. */
  static async answering(options: WanOptions): Promise<Wan> {
    return new Wan(undefined, options).answered("the firewall's relay", new Promise<never>(() => {}));
  }

  /** This Wan once its API answers; fails when its process could not start or exited, or after the start timeout. */
  private async answered(what: string, spawnError: Promise<Error>): Promise<Wan> {
    const timeoutMs = this.options.startTimeoutMs ?? 10_000;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const failed = await Promise.race([spawnError, sleep(0).then(() => undefined)]);
      if (failed) throw new HarnessError('COMPONENT_START', `${what} did not start: ${failed.message}`);
      if (this.exited) throw new HarnessError('COMPONENT_START', `${what} exited at start (code ${this.exited.code}): ${logTail(this.options.logFile)}`);
      try {
        await this.client.getVersion();
        return this;
      } catch {
        if (performance.now() > deadline) throw new HarnessError('COMPONENT_START', `Toxiproxy's API (${what}) did not answer on ${this.options.apiHost}:${this.options.apiPort} within ${timeoutMs} ms: ${logTail(this.options.logFile)}`);
        await sleep(5);
      }
    }
  }

  async addLinks(links: readonly WanLink[]): Promise<void> {
    const created = await this.client.populate(links.map((l) => ({ name: l.name, listen: l.listen, upstream: l.upstream, enabled: true })));
    for (const [name, proxy] of Object.entries(created)) this.proxies.set(name, proxy);
  }

  /** bench:harness only: links from these addresses to `upstream`, outside the per-host links (no fault ever acts on them). */
  async addTaps(listen: ReadonlyArray<{ host: string; port: number }>, upstream: string): Promise<void> {
    await this.client.populate(listen.map((l, i) => ({ name: `bench-tap-${i}`, listen: l.host.includes(':') ? `[${l.host}]:${l.port}` : `${l.host}:${l.port}`, upstream, enabled: true })));
  }

  /**
   * Puts a fault on the link of every matching hostname; returns what undoes it (for faults
   * that end during a trial). `id` names the toxic (unique per fault of the trial).
   */
  async applyFault(fault: WanFault, id: string): Promise<() => Promise<void>> {
    const targets = [...this.proxies.values()].filter((p) => matchesPattern(fault.match, p.name));
    const toxic = toxicFor(fault);
    if (!toxic) {
      await Promise.all(targets.map((p) => p.update({ enabled: false, listen: p.listen, upstream: p.upstream })));
      return async () => {
        await Promise.all(targets.map((p) => p.update({ enabled: true, listen: p.listen, upstream: p.upstream })));
      };
    }
    const added = await Promise.all(targets.map((p) => p.addToxic({ name: id, ...toxic })));
    return async () => {
      await Promise.all(added.map((t) => t.remove()));
    };
  }

  /** Removes every toxic and re-enables every proxy: the clean state each trial starts from. */
  async reset(): Promise<void> {
    await this.client.reset();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || this.exited || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
