/**
 * The SNI firewall in its own process (netns backend): the same firewall as the in-process host,
 * driven over an IPC channel the way the docker backend drives a container's agent over its
 * control port. Relaying bytes then never waits for the origin, the resolver or the trial loop
 * on the main thread, nor they for it. Not a worker thread: node can spin forever in a worker's
 * teardown (Environment::CleanupHandles, seen here and in ChainSafe/lodestar#9790), and a
 * process can always be killed. The child loads only the firewall's modules.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { errorMessage } from '../errors.ts';
import type { LayeredFaults } from '../faults/catalog.ts';
import { TrialClock } from '../faults/window.ts';
import { Firewall, type FirewallConnectionLogEntry } from '../firewall/server.ts';
import { firewallOptions, type FirewallPlan } from './firewall-options.ts';
import type { HostLogs, TrialHost } from './hosts.ts';

type Op = 'start' | 'begin' | 'clock' | 'end' | 'logs' | 'stop';
interface Call {
  id: number;
  op: Op;
  input?: unknown;
}
type Reply = { id: number; value?: unknown; error?: string };
const CHILD_ENV = 'GOMOD_CHAOS_FIREWALL_PROCESS';

/**
 * A sandbox runs its firewall in its own process from this many trials on. The process costs
 * its start once (measured: +0.65 s of sandbox start at load ~9 on 2 cores) and saves on every
 * trial (measured ≈0.4 s of a 50-module download at load ~20; issue 19 put the in-process
 * firewall hop at ≈1.12×, ≈35 ms, on a quieter machine): below this, as in most single-trial
 * test runs, the firewall stays on the main thread.
 */
export const FIREWALL_PROCESS_MIN_TRIALS = 8;
const STOP_GRACE_MS = 2_000;

/** The instant as every process reads it (performance.now() has one origin per process). */
const absoluteNow = () => performance.timeOrigin + performance.now();

/** The parent's side of the channel: calls answered by id; the child's death fails them all. */
function channel(child: ChildProcess): <T>(op: Op, input?: unknown) => Promise<T> {
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let failure: Error | undefined;
  const fail = (err: Error) => {
    failure ??= err;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };
  child.on('message', (reply: Reply) => {
    const p = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.error !== undefined) p?.reject(new Error(`firewall: ${reply.error}`));
    else p?.resolve(reply.value);
  });
  child.once('error', fail);
  child.once('exit', (code, signal) => fail(new Error(`the firewall's process exited (${signal ?? code})`)));
  return <T>(op: Op, input?: unknown) =>
    new Promise<T>((resolve, reject) => {
      if (failure) return reject(failure);
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, op, input } satisfies Call);
    });
}

/** The firewall's process, forked ahead: it loads its modules while the sandbox prepares the rest. */
export interface FirewallProcess {
  /** The host, once the firewall listens (a failed start kills the process). */
  start(plan: FirewallPlan): Promise<TrialHost>;
  kill(): Promise<void>;
}

export function forkFirewall(): FirewallProcess {
  const child = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, [CHILD_ENV]: '1' }, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  const call = channel(child);
  const host: TrialHost = {
    role: 'firewall',
    begin: (faults: LayeredFaults) => call('begin', { faults }),
    startClock: () => call('clock', { at: absoluteNow() }),
    logs: () => call<HostLogs>('logs'),
    end: () => call('end'),
    stop: async () => {
      await Promise.race([call('stop').catch(() => {}), new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref())]);
      await kill();
    },
  };
  const start = async (plan: FirewallPlan) => {
    await call('start', plan).catch(async (err: unknown) => {
      await kill();
      throw err;
    });
    return host;
  };
  return { start, kill };
}

/** Starts the firewall in a child process; the host is ready once the firewall listens. */
export function startFirewallProcess(plan: FirewallPlan): Promise<TrialHost> {
  return forkFirewall().start(plan);
}

/** The child's side: each call in order of arrival, answered by id. */
function serve(): void {
  const clock = new TrialClock();
  let firewall: Firewall | undefined;
  let seen: FirewallConnectionLogEntry[] = [];
  const need = (): Firewall => {
    if (!firewall) throw new Error('not started');
    return firewall;
  };
  const ops: Record<Op, (input: any) => unknown> = {
    start: async (plan: FirewallPlan) => {
      firewall = new Firewall(firewallOptions(plan, clock));
      await firewall.start();
    },
    begin: ({ faults }: { faults: LayeredFaults }) => need().setFaults(faults.firewall),
    // the parent's instant, on this process's clock
    clock: ({ at }: { at: number }) => clock.start(at - performance.timeOrigin),
    end: () => {
      clock.stop();
      need().clearFaults();
      need().drainLog();
      seen = [];
    },
    // a trial may read the log more than once: what was drained stays until the trial ends
    logs: async (): Promise<HostLogs> => {
      await need().settle();
      return {
        firewall: (seen = [...seen, ...need().drainLog()]),
        firewallActed: need().rules.acted.snapshot(),
        // epoch ms: the same instant in every process
        firewallZeroMs: performance.timeOrigin + need().startedAt,
      };
    },
    stop: () => firewall?.stop(),
  };
  process.on('message', ({ id, op, input }: Call) => {
    Promise.resolve()
      .then(() => ops[op](input))
      .then(
        (value) => process.send?.({ id, value } satisfies Reply),
        (err: unknown) => process.send?.({ id, error: errorMessage(err) } satisfies Reply),
      );
  });
  // the parent is gone: so is the firewall
  process.once('disconnect', () => process.exit(0));
}

if (process.env[CHILD_ENV] === '1' && process.send) serve();
