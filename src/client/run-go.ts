import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';

export interface GoRunOptions {
  goBinary: string;
  args: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string>>;
  /** Bind-mounted over /etc/resolv.conf and /etc/hosts, for this process only. */
  resolvConf: string;
  hostsFile: string;
  /**
   * The client owns its whole host (the docker backend's client container): the files are
   * copied over /etc/resolv.conf and /etc/hosts instead of bind-mounted for go alone.
   */
  hostFilesInPlace?: boolean;
  deadlineMs: number;
  /** Aborting kills the whole process group, like the deadline. */
  signal?: AbortSignal;
}

export interface GoRunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
  spawnError: string | undefined;
}

// Runs in a mount namespace of its own (the client's resolv.conf and hosts exist only for it) and
// a pid namespace of its own, whose pid 1 is go: when go exits the kernel kills whatever go
// started, even a child that left go's process group (cmd/go's detached telemetry uploader), and
// unshare returns only after all of them are gone. A trial ends with nothing of it running.
const CLIENT_SCRIPT = 'mount --bind "$1" /etc/resolv.conf && mount --bind "$2" /etc/hosts && shift 2 && exec "$@"';

/**
 * Runs the real `go` in its own process group with a hard deadline: cmd/go has no HTTP
 * timeouts, so a stalled server would hang it forever. The deadline kills the whole group.
 */
export function runGo(options: GoRunOptions): Promise<GoRunResult> {
  let command = 'unshare';
  let argv = ['--mount', '--propagation', 'private', '--pid', '--fork', '--kill-child=SIGKILL', '--', 'sh', '-c', CLIENT_SCRIPT, 'gomod-chaos-client', options.resolvConf, options.hostsFile, options.goBinary, ...options.args];
  if (options.hostFilesInPlace) {
    copyFileSync(options.resolvConf, '/etc/resolv.conf');
    copyFileSync(options.hostsFile, '/etc/hosts');
    command = options.goBinary;
    argv = [...options.args];
  }
  return new Promise((resolve) => {
    const started = performance.now();
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    let aborted = false;
    let spawnError: string | undefined;
    const child = spawn(command, argv, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.deadlineMs);
    const onAbort = () => {
      aborted = true;
      killGroup();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (c: Buffer) => stdout.push(c));
    child.stderr.on('data', (c: Buffer) => stderr.push(c));
    child.once('error', (err) => (spawnError = err.message));
    let durationMs = 0;
    child.once('exit', () => {
      durationMs = performance.now() - started;
      // The group may still hold children go started (git, ...): they die with the trial.
      killGroup();
    });
    child.once('close', async (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (child.pid !== undefined) await groupGone(child.pid);
      resolve({
        exitCode: code,
        signal,
        timedOut,
        aborted,
        durationMs: durationMs || performance.now() - started,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        spawnError,
      });
    });
  });
}

/** Waits (bounded) until no process of the group is left, killing what is. */
async function groupGone(pgid: number, limitMs = 5_000): Promise<void> {
  const until = performance.now() + limitMs;
  while (performance.now() < until) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      return; // ESRCH: the group is empty
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
