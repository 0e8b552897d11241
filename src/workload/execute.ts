import { join } from 'node:path';
import type { GoRunResult } from '../client/run-go.ts';
import type { InstallWorkload, WorkloadName, WorkloadScript } from './schema.ts';
import { runScriptWorkload, type ScriptRunOptions, type WorkloadCommand } from './script.ts';
import { SYNTHETIC_GO } from './toolchain.ts';

/** The go commands of each named workload, run in order; the first that fails ends the trial. */
const WORKLOAD_COMMANDS: Record<Exclude<WorkloadName, 'install'>, ReadonlyArray<readonly string[]>> = {
  download: [['mod', 'download', '-json']],
  build: [['build', './...']],
  // compile every test binary, run none
  test: [['test', '-count=1', '-run', '^$', './...']],
  // the newest version of every module providing an imported package (@v/list, .info), then the
  // upgraded versions' .mod and .zip, their new dependencies, and the checksum database for each
  'get-u': [['get', '-u', './...']],
  // every module's newest version: @v/list, then its .info and .mod (retractions)
  'list-updates': [['list', '-m', '-u', 'all']],
  // go.mod asks for a newer toolchain: go downloads golang.org/toolchain, checks it, execs its bin/go
  toolchain: [['mod', 'edit', `-toolchain=${SYNTHETIC_GO}`], ['version']],
};

/** The toolchain workload on a project whose go.mod already asks for a newer Go: its own line decides the switch. */
const OWN_TOOLCHAIN_COMMANDS: ReadonlyArray<readonly string[]> = [['version']];

/** Variables a named workload's commands run with, on top of the trial's (the client pins GOTOOLCHAIN=local). */
const WORKLOAD_ENV: Partial<Record<WorkloadName, Readonly<Record<string, string>>>> = {
  toolchain: { GOTOOLCHAIN: 'auto' },
};

/** A workload as the trial runs it: a name, install with its target, or a script already imported from its scenario file. */
export type ResolvedWorkload = Exclude<WorkloadName, 'install'> | InstallWorkload | WorkloadScript;

/** The file `go install` writes for a package path: its last element, or the one before a major version (cmd/go's DefaultExecName). */
function installedName(pkg: string): string {
  const elems = pkg.split('/');
  const last = elems.at(-1)!;
  return elems.length > 1 && /^v([2-9]|[1-9]\d+)$/.test(last) ? elems.at(-2)! : last;
}

/**
 * `go install <path@version>` (outside the project's module, as go does for a version), then
 * `go version -m` of what it wrote: the binary exists and carries its modules' build info.
 */
function installCommands(target: string, gopath: string): string[][] {
  const pkg = target.slice(0, target.lastIndexOf('@'));
  const bin = join(gopath, 'bin');
  return [['install', target], ['version', '-m', pkg.includes('...') ? bin : join(bin, installedName(pkg))]];
}

/** What the client's commands did. */
export interface Execution {
  /** The last command run: the first that failed, or the last of all. */
  result: GoRunResult;
  attempts: number;
  goMs: number;
  /** The retry wrapper gave up (its own deadline, attempts used up) before the harness deadline. */
  wrapperGaveUp: boolean;
  commands: Array<Omit<WorkloadCommand, 'stderr'>>;
}

export interface ExecuteOptions {
  timeoutMs: number;
  /** The retry wrapper: go is killed at its own deadline and run again, keeping the module cache. */
  retry?: { attempts: number; attemptDeadlineMs: number } | undefined;
  /** Runs one go command (the trial's environment, files and signal) with a deadline. */
  runGo: (args: readonly string[], deadlineMs: number, env?: Readonly<Record<string, string>>) => Promise<GoRunResult>;
  /** The toolchain workload: the project's go.mod asks for a newer Go than the one under test (no `go mod edit` to go1.99.0). */
  ownToolchain?: boolean;
  /** For scripts: how to run zx commands like go (everything but the script and deadline). */
  script: Omit<ScriptRunOptions, 'script' | 'deadlineMs'>;
}

/** Each named command in turn under the trial's hard deadline (and the retry wrapper's, per attempt). */
async function executeCommands(commands: ReadonlyArray<readonly string[]>, options: ExecuteOptions, env: Readonly<Record<string, string>> = {}): Promise<Execution> {
  const prefix = Object.entries(env).map(([k, v]) => `${k}=${v} `).join('');
  const maxAttempts = options.retry?.attempts ?? 1;
  const ran: Execution['commands'] = [];
  let attempts = 0;
  let goMs = 0;
  let result: GoRunResult | undefined;
  for (const args of commands) {
    for (;;) {
      attempts++;
      const remainingMs = options.timeoutMs - goMs;
      result = await options.runGo(args, options.retry ? Math.min(options.retry.attemptDeadlineMs, remainingMs) : remainingMs, env);
      goMs += result.durationMs;
      ran.push({ command: `${prefix}go ${args.join(' ')}`, exitCode: result.exitCode, durationMs: Math.round(result.durationMs * 10) / 10 });
      const failed = result.timedOut || result.exitCode !== 0;
      if (!failed) break;
      if (attempts >= maxAttempts || result.aborted || result.spawnError || goMs >= options.timeoutMs) {
        return { result, attempts, goMs, wrapperGaveUp: Boolean(options.retry && result.timedOut && goMs < options.timeoutMs), commands: ran };
      }
    }
  }
  return { result: result!, attempts, goMs, wrapperGaveUp: false, commands: ran };
}

/** A script's run as one execution: the first failing command's exit code and stderr stand for it. */
async function executeScript(script: WorkloadScript, options: ExecuteOptions): Promise<Execution> {
  const run = await runScriptWorkload({ ...options.script, script, deadlineMs: options.timeoutMs });
  const failed = run.commands.find((c) => c.exitCode !== 0);
  const exitCode = failed ? failed.exitCode : run.error ? 1 : 0;
  const stderr = failed ? failed.stderr : run.error ? `workload script: ${run.error}` : '';
  return {
    result: { exitCode, signal: null, timedOut: run.timedOut, aborted: run.aborted, durationMs: run.durationMs, stdout: '', stderr, spawnError: undefined },
    attempts: 1,
    goMs: run.durationMs,
    wrapperGaveUp: false,
    commands: run.commands.map(({ stderr: _stderr, ...c }) => c),
  };
}

/** Runs the trial's workload: its go commands, or its script. */
export function executeWorkload(workload: ResolvedWorkload, options: ExecuteOptions): Promise<Execution> {
  if (typeof workload === 'function') return executeScript(workload, options);
  if (typeof workload === 'object') return executeCommands(installCommands(workload.install, options.script.env['GOPATH']!), options);
  const commands = workload === 'toolchain' && options.ownToolchain ? OWN_TOOLCHAIN_COMMANDS : WORKLOAD_COMMANDS[workload];
  return executeCommands(commands, options, WORKLOAD_ENV[workload]);
}
