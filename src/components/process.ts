import { spawn, type ChildProcess } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { HarnessError } from '../errors.ts';
import type { ComponentSpec } from './schema.ts';

const KEPT_LINES = 400;
const TAIL_LINES = 40;
const STOP_GRACE_MS = 3_000;

/** Where a trial's log lines start: lines of stdout/stderr seen, bytes of the log file. */
export interface LogMark {
  lines: number;
  logBytes: number;
}

/**
 * One real program of the fake internet (squid, nginx, haproxy...), in its own process group:
 * its stdout, stderr and log file are kept as lines; stop() takes the whole group down.
 */
export class ComponentProcess {
  readonly spec: ComponentSpec;
  private readonly argv: string[];
  private readonly logFile: string;
  private child: ChildProcess | undefined;
  private readonly lines: string[] = [];
  private linesSeen = 0;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(spec: ComponentSpec, argv: string[], logFile: string) {
    this.spec = spec;
    this.argv = argv;
    this.logFile = logFile;
  }

  /** Starts the program and waits until it answers as `ready` says; throws (it stopped) otherwise. */
  async start(): Promise<void> {
    const [file, ...args] = this.argv;
    const child = spawn(file!, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('error', (err) => {
        this.push(`[harness] cannot start ${file}: ${err.message}`);
        this.exit = { code: null, signal: null };
        resolve();
      });
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve();
      });
    });
    for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on('line', (l) => this.push(l));
    try {
      await this.waitReady();
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /**
   * Waits (at most a second) for the exit status of a program that is dead or dying but not yet
   * reaped: its clients can see its sockets close before node hears of the exit.
   */
  async settle(): Promise<void> {
    const pid = this.child?.pid;
    if (pid === undefined || this.exit || !isZombieOrGone(pid)) return;
    await Promise.race([this.exited, sleep(1_000)]);
  }

  /** Exit status when the program is gone though nobody stopped it. */
  died(): string | undefined {
    if (!this.exit || this.stopping) return undefined;
    return this.exit.signal ? `killed by ${this.exit.signal}` : `exited with ${this.exit.code}`;
  }

  mark(): LogMark {
    return { lines: this.linesSeen, logBytes: fileSize(this.logFile) };
  }

  /** The last lines the program printed or logged since `mark` (stdout/stderr first, then its log file). */
  linesSince(mark: LogMark): string[] {
    const fromOutput = this.lines.slice(Math.max(0, this.lines.length - (this.linesSeen - mark.lines)));
    const fromLog = readFrom(this.logFile, mark.logBytes).split('\n').filter(Boolean);
    return [...fromOutput, ...fromLog].slice(-TAIL_LINES);
  }

  /** The last lines of all, for an error message. */
  lastLines(count = 8): string {
    return this.linesSince({ lines: 0, logBytes: 0 }).slice(-count).join(' | ') || '(no output)';
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const pid = this.child?.pid;
    if (pid === undefined) return;
    if (this.exit) {
      // the program is gone; helpers it started in its group may not be
      signalGroup(pid, 'SIGKILL');
      return;
    }
    signalGroup(pid, 'SIGTERM');
    const timer = sleep(STOP_GRACE_MS).then(() => 'late' as const);
    if ((await Promise.race([this.exited.then(() => 'gone' as const), timer])) === 'late') signalGroup(pid, 'SIGKILL');
    // whatever it left in its group (helpers, workers) goes too
    signalGroup(pid, 'SIGKILL');
    await this.exited;
  }

  private push(line: string): void {
    this.lines.push(line);
    this.linesSeen++;
    if (this.lines.length > KEPT_LINES) this.lines.shift();
  }

  private async waitReady(): Promise<void> {
    const { name, readyTimeoutMs } = this.spec;
    const deadline = performance.now() + readyTimeoutMs;
    while (performance.now() < deadline) {
      if (this.exit) throw new HarnessError('COMPONENT_START', `component ${name} (${this.argv[0]}) ${this.died() ?? 'stopped'} before it was ready: ${this.lastLines()}`);
      if (await probe(this.spec).catch(() => false)) return;
      await sleep(100);
    }
    throw new HarnessError('COMPONENT_START', `component ${name} (${this.argv[0]}) was not ready within ${readyTimeoutMs} ms (${JSON.stringify(this.spec.ready)}): ${this.lastLines()}`);
  }
}

/** The kernel's PF_EXITING: set when the process starts to exit, before its sockets close. */
const PF_EXITING = 0x4;

/** Dead, dying or gone: a zombie, a process that has begun to exit (its flags, field 9 of stat), or none. */
function isZombieOrGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' || fields[0] === 'X' || (Number(fields[6]) & PF_EXITING) !== 0;
  } catch {
    return true;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function readFrom(path: string, offset: number): string {
  const size = fileSize(path);
  if (size <= offset) return '';
  const start = Math.max(offset, size - 64_000);
  const buffer = Buffer.alloc(size - start);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, start);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8');
}

/** One try of the component's readiness check. */
async function probe(spec: ComponentSpec): Promise<boolean> {
  const { ready, address, port } = spec;
  if ('tcp' in ready) {
    return new Promise((resolve) => {
      const socket = connect({ host: address, port: ready.tcp, timeout: 1_000 });
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.once('connect', () => done(true)).once('error', () => done(false)).once('timeout', () => done(false));
    });
  }
  if ('http' in ready) {
    return new Promise((resolve) => {
      const req = request({ host: address, port, path: ready.http, timeout: 2_000 }, (res) => {
        res.resume();
        resolve(true);
      });
      req.once('error', () => resolve(false)).once('timeout', () => req.destroy());
      req.end();
    });
  }
  const resolver = new Resolver({ timeout: 1_000, tries: 1 });
  resolver.setServers([`${address}:${port}`]);
  try {
    await resolver.resolve4(ready.dns);
    return true;
  } catch (err) {
    // an answer that says "no such name" is an answer
    return (err as NodeJS.ErrnoException).code === 'ENOTFOUND' || (err as NodeJS.ErrnoException).code === 'ENODATA';
  }
}
