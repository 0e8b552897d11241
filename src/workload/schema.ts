import { z } from 'zod';

/** The workloads a scenario can name: what the client runs in each trial. */
export const WORKLOAD_NAMES = ['download', 'build', 'test', 'get-u', 'list-updates', 'install', 'toolchain'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

/** What `go install` builds in the install workload: a main package at a version, `path@version`. */
export const installTargetSchema = z.string().regex(/^[^@\s]+\/[^@\s]+@[^@\s]+$/, "a main package at a version, such as 'golang.org/x/tools/cmd/stringer@v0.20.0'");

/** The install workload once its target is known (the scenario's, the flag's, or the synthetic corpus's own tool). */
export interface InstallWorkload {
  install: string;
}

/** What a command run by a script's `$` gives back (the fields of zx's ProcessOutput scripts read). */
interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | null;
}

/**
 * A script's `$`: zx's tagged template (arguments are quoted), run in the trial. Typed here
 * rather than as zx's own `Shell`, so the harness's public types need none of zx's (which
 * reference fs-extra's) in a user's project.
 */
type TrialShell = (pieces: TemplateStringsArray, ...args: unknown[]) => Promise<CommandOutput>;

/** What a script workload is handed: zx's `$` bound to the trial (env, cwd, hard deadline). */
export interface WorkloadScriptContext {
  /** zx's `$`, with the trial's environment, the project copy as cwd and the trial's deadline. */
  $: TrialShell;
  /** The trial's copy of the project (the working directory). */
  project: string;
  /** The client environment go runs with (GOPROXY, GOSUMDB, trust, fresh caches, the mitigation's variables). */
  env: Readonly<Record<string, string>>;
}

export type WorkloadScript = (context: WorkloadScriptContext) => Promise<unknown>;

export type Workload = WorkloadName | WorkloadScript;

export const workloadSchema = z.union([
  z.enum(WORKLOAD_NAMES),
  z.custom<WorkloadScript>((v) => typeof v === 'function', 'a workload name or an async ({ $, project, env }) => {...} script'),
]);

/** How a workload is named in records and listings. */
export function workloadLabel(workload: Workload | InstallWorkload): string {
  return typeof workload === 'function' ? 'script' : typeof workload === 'object' ? 'install' : workload;
}

/** A workload as it crosses into the sandbox (plain data): a name, install with its target, or the scenario file whose script to import there. */
export type WorkloadRef = Exclude<WorkloadName, 'install'> | InstallWorkload | { scriptFile: string };

export function workloadRef(workload: Workload, scenarioFile: string, installTarget: string | undefined): WorkloadRef {
  if (typeof workload === 'function') return { scriptFile: scenarioFile };
  if (workload !== 'install') return workload;
  // checked when the run starts (runner), so never reached without one
  if (installTarget === undefined) throw new Error('the install workload has no target');
  return { install: installTarget };
}
