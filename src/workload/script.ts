import { writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { $ as zx, ProcessOutput, type LogEntry } from 'zx';
import { errorMessage } from '../errors.ts';
import type { WorkloadScript } from './schema.ts';

/** One command a workload ran, as the record shows it. */
export interface WorkloadCommand {
  command: string;
  exitCode: number | null;
  durationMs: number;
  /** Its stderr (the tail kept for classification). */
  stderr: string;
}

export interface ScriptRunOptions {
  script: WorkloadScript;
  cwd: string;
  env: Readonly<Record<string, string>>;
  /** The trial's resolv.conf and hosts, bind-mounted for each command only (netns). */
  resolvConf: string;
  hostsFile: string;
  /** The client owns its host (docker): the files are already in place. */
  hostFilesInPlace: boolean;
  /** Where the per-trial shell wrapper is written. */
  trialDir: string;
  deadlineMs: number;
  signal?: AbortSignal;
}

export interface ScriptRunResult {
  commands: WorkloadCommand[];
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
  /** The script threw (a command failed, or its own code did): the message. */
  error: string | undefined;
}

const STDERR_KEEP = 4_000;

/**
 * A shell for zx that runs each command as go itself runs in a trial: in a mount namespace of
 * its own where the trial's resolv.conf and /etc/hosts are bind-mounted (node runs `<shell> -c <cmd>`).
 */
async function trialShell(options: ScriptRunOptions): Promise<string> {
  if (options.hostFilesInPlace) return '/bin/bash';
  const file = join(options.trialDir, 'workload-shell');
  const inner = 'mount --bind "$1" /etc/resolv.conf && mount --bind "$2" /etc/hosts && shift 2 && exec /bin/bash --norc --noprofile "$@"';
  await writeFile(file, `#!/bin/sh\nexec unshare --mount --propagation private -- sh -c '${inner}' gomod-chaos-client ${JSON.stringify(options.resolvConf)} ${JSON.stringify(options.hostsFile)} "$@"\n`);
  await chmod(file, 0o755);
  return file;
}

/**
 * Runs a script workload: `$` is zx bound to the trial's environment, the project copy as cwd
 * and the trial's hard deadline (every command still running then is killed). Each command is
 * recorded with its exit code, duration and stderr.
 */
export async function runScriptWorkload(options: ScriptRunOptions): Promise<ScriptRunResult> {
  const started = performance.now();
  const ac = new AbortController();
  let timedOut = false;
  let aborted = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ac.abort(new Error('deadline'));
  }, options.deadlineMs);
  const onAbort = () => {
    aborted = true;
    ac.abort(new Error('aborted'));
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const byId = new Map<string, WorkloadCommand & { started: number }>();
  const commands: Array<WorkloadCommand & { started: number }> = [];
  const log = (entry: LogEntry) => {
    if (entry.kind === 'cmd') {
      const command = { command: entry.cmd, exitCode: null, durationMs: 0, stderr: '', started: performance.now() };
      byId.set(entry.id, command);
      commands.push(command);
    } else if (entry.kind === 'stderr') {
      const c = byId.get(entry.id);
      if (c) c.stderr = (c.stderr + entry.data.toString()).slice(-STDERR_KEEP);
    } else if (entry.kind === 'end') {
      const c = byId.get(entry.id);
      if (c) {
        c.exitCode = entry.exitCode;
        c.durationMs = Math.round((performance.now() - c.started) * 10) / 10;
      }
    }
  };
  const $ = zx({ cwd: options.cwd, env: { ...options.env }, shell: await trialShell(options), ac, killSignal: 'SIGKILL', quiet: true, verbose: false, log });
  let error: string | undefined;
  try {
    await options.script({ $, project: options.cwd, env: options.env });
  } catch (err) {
    // a failed command's own record says what it printed; the script's error names it
    error = err instanceof ProcessOutput ? `a command failed (exit ${err.exitCode ?? err.signal ?? 'killed'})` : errorMessage(err).split('\n')[0];
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
  return {
    commands: commands.map(({ started: _s, ...c }) => c),
    timedOut,
    aborted,
    durationMs: performance.now() - started,
    error,
  };
}
