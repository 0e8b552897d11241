import { existsSync } from 'node:fs';
import { ensureOutDir } from '../out-dir.ts';
import { cpus, hostname, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveToolchain } from '../client/toolchains.ts';
import { HarnessError, errorMessage } from '../errors.ts';
import { progress } from '../log.ts';
import { Progress, type RunReporter } from '../report/progress.ts';
import { readResults } from '../report/results.ts';
import { writeReports } from '../report/write.ts';
import { identityDifferences, planScenario, scenarioFingerprint, shardOf, trialKey, type PlannedTrial, type RunIdentity, type Shard } from '../runner/plan.ts';
import type { Backend } from '../sandbox/backend.ts';
import { SANDBOX_BACKENDS } from '../sandbox/backends.ts';
import { namespaceMode } from '../sandbox/netns.ts';
import { lockOutDir } from '../runner/out-lock.ts';
import { RunInterrupt } from './interrupt.ts';
import { readRunFile, recordRunEnd, RUN_FILE, writeRunFile } from '../runner/run-file.ts';
import { CLIENT_TELEMETRY } from '../client/environment.ts';
import type { Scenario } from '../scenario/load.ts';
import { describeFailure } from '../scenario/expect.ts';
import { checkFaultHosts } from '../scenario/fault-hosts.ts';
import { asBaseOf, checkAgainst, scheduleAgainst } from '../runner/against.ts';
import { publicHosts } from '../topology/public-hosts.ts';
import { privateHostNames } from '../project/private.ts';
import { projectSnapshot } from './snapshot.ts';
import { workloadLabel, type WorkloadName } from '../workload/schema.ts';
import { checkPrerequisites } from './prepare.ts';
import type { GoToolchain } from '../client/toolchain.ts';
import type { SandboxEvent } from '../sandbox/run-config.ts';
import { ResultsWriter } from '../runner/record.ts';
import { CpuAdmission, describeAdmission } from '../runner/admission.ts';
import { chooseLanes, laneKind, laneUnits, runLanes, type LaneChoice, type LaneUnit } from '../runner/lanes.ts';
import { LoadSampler, type LoadSummary } from '../runner/load-samples.ts';
import { effective, runInSandbox } from './run-sandbox.ts';

export interface RunOptions {
  scenarios: Scenario[];
  outDir?: string;
  /** Overrides of every scenario's own settings. */
  reps?: number;
  timeoutMs?: number;
  seed?: number;
  /** Go versions to compare (a matrix dimension); default: the go in use. */
  goVersions?: string[];
  shard?: Shard;
  /** Continue the run in outDir: finished trials are kept and not run again. */
  resume?: boolean;
  /** The command line, for run.json and the resume hint. */
  command?: string;
  /** Called with each event the sandbox sends (benchmarks use it). */
  onEvent?: (event: SandboxEvent) => void;
  /** No summary on stdout (benchmarks, tests). */
  quiet?: boolean;
  /** Who shows the run's progress (default: a bar on a terminal, one line per trial otherwise). */
  reporters?: RunReporter[];
  /** Where the hosts run: namespaces of this machine (default) or Docker containers. */
  backend?: Backend;
  /** A Go project every scenario runs against (instead of its own project or corpus). */
  project?: string;
  /** The workload every scenario runs (instead of its own). */
  workload?: WorkloadName;
  /** The install workload's target, path@version (instead of the scenario's). */
  install?: string;
  /** A base scenario run interleaved with the (one) candidate, in blocks: the control of `compare <report.json>`. */
  against?: Scenario;
  /** Sandboxes at once (lanes); default: the machine's choice (runner/lanes.ts). 1 = the serial run. */
  parallel?: number;
}

export interface RunOutcome {
  outDir: string;
  resultsFile: string;
  interrupted: boolean;
  trials: number;
  /** Expectations of the scenarios (their `expect` blocks) the run did not meet, one line each. */
  failedExpectations: string[];
}

function timestamp(date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/**
 * GOPROXY=direct on a project would fetch its public modules with git, from hosts the fake
 * internet does not have (a snapshot holds their zips, not their repositories): every trial would
 * fail on DNS, a failure the real network would not have. Refused in one line instead.
 */
function refuseDirectOnProject(s: Scenario): void {
  const direct = s.mitigations.find((m) => (m.env?.['GOPROXY'] ?? '').split(/[,|]/)[0] === 'direct');
  if (direct) {
    throw new HarnessError('BAD_INPUT', `${s.name}: mitigation ${direct.name} sets GOPROXY=direct, but the fake internet serves a project's public modules through module proxies only (git repositories are built for the synthetic corpus and mirrored for GOPRIVATE modules): run it without --project, or mark your own modules GOPRIVATE`);
  }
}

/**
 * What a scenario's trials would reach must be in the fake internet: a fault naming no host of it
 * would measure an unchanged network, and a project's modules fetched from hosts it lacks would
 * fail on DNS. A project's private repositories are hosts too (its snapshot names them).
 */
async function checkHosts(s: Scenario, toolchain: GoToolchain, backend: RunOptions['backend']): Promise<void> {
  const snapshot = s.project ? await projectSnapshot(s.project) : undefined;
  if (snapshot && snapshot.modules.length > 0) refuseDirectOnProject(s);
  if (backend === 'docker' && snapshot?.private?.repos.length) {
    throw new HarnessError('BAD_INPUT', `${s.name}: the project's private (GOPRIVATE) repositories are served on --backend netns only (the docker code host does not have them yet): run it with --backend netns`);
  }
  const codeHosts = snapshot ? privateHostNames(snapshot) : [];
  checkFaultHosts(s.file, s.faults, publicHosts(toolchain, s.mirrors, s.sumdbMirrors, codeHosts).map((h) => h.name));
}

/**
 * `gomod-chaos run`: every cell (scenario x mitigation x go version) x repetition, each scenario
 * in a fresh sandbox, trials in a seeded interleaved order; resumable and shardable.
 */
export async function runScenarios(options: RunOptions): Promise<RunOutcome> {
  if (options.against) checkAgainst(options.scenarios);
  const given = options.against ? [asBaseOf(options.against, options.scenarios[0]!), ...options.scenarios] : options.scenarios;
  const scenarios = given.map((s) => ({
    ...s,
    ...(options.project !== undefined ? { project: resolve(options.project) } : {}),
    ...(options.workload !== undefined ? { workload: options.workload } : {}),
    ...(options.install !== undefined ? { install: options.install } : {}),
  }));
  if (scenarios.length === 0) throw new HarnessError('BAD_INPUT', 'no scenario to run');
  const names = scenarios.map((s) => s.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new HarnessError('BAD_INPUT', `two scenarios are named ${JSON.stringify(duplicate)}: scenario names must be unique in a run`);

  for (const s of scenarios) {
    if (options.shard && s.phases.length) throw new HarnessError('BAD_INPUT', `${s.name}: a scenario with phases cannot be sharded (each phase starts from the state the one before left); run it without --shard`);
  }
  await SANDBOX_BACKENDS[options.backend ?? 'netns'].preflight(scenarios);
  for (const s of scenarios) {
    if (s.workload === 'install' && s.install === undefined && s.project !== undefined) {
      throw new HarnessError('BAD_INPUT', `${s.name}: the install workload needs a target on a project: install: 'example.com/tool/cmd/x@v1.2.3' in the scenario, or --install path@version`);
    }
    if (options.backend === 'docker' && typeof s.workload === 'function') {
      throw new HarnessError('BAD_INPUT', `${s.name}: a script workload runs only on --backend netns (its scenario file is not in the client container); use a named workload (download, build, test, get-u, list-updates, install) with docker`);
    }
  }
  const prereq = checkPrerequisites({ installMissing: true });
  const toolchains: GoToolchain[] = (options.goVersions ?? [prereq.go.version]).map((v) => resolveToolchain(v, prereq.go, progress));
  const goVersions = toolchains.map((t) => t.version);
  for (const s of scenarios) await checkHosts(s, toolchains[0]!, options.backend);
  const identity: RunIdentity = {
    scenarios: scenarios.map((s) => ({ name: s.name, fingerprint: scenarioFingerprint(s), ...effective(s, options) })),
    goVersions,
  };
  const plan = shardOf(
    scenarios.flatMap((s) => {
      const e = effective(s, options);
      return planScenario(s, goVersions, e.reps, e.seed);
    }),
    options.shard,
  );

  const defaultName = scenarios.length === 1 || options.against ? options.scenarios[0]!.name : 'run';
  const outDir = resolve(options.outDir ?? join('reports', `${defaultName}-${timestamp()}`));
  const resultsFile = join(outDir, 'results.jsonl');
  const release = claimOutDir(outDir, options, identity);
  try {
    const done = finishedTrials(outDir, options);
    const lanes = withAdmission(chooseLanes(options.parallel, options.backend ?? 'netns', Boolean(options.against)));
    if (!options.resume) writeRun(outDir, options, { identity, scenarios, toolchains, prereq, lanes });
    return await runPlan(plan.filter((t) => !done.has(trialKey(t))), plan.length, { options, scenarios, outDir, resultsFile, defaultName, goVersions, prereq, toolchains, lanes });
  } finally {
    release();
  }
}

/**
 * Makes --out and takes its lock: a second run on the same folder is refused, never mixed.
 * Refuses to resume a different run, or to add to a folder that holds another run's results.
 */
function claimOutDir(outDir: string, options: RunOptions, identity: RunIdentity): () => void {
  const nothingToResume = () => new HarnessError('BAD_INPUT', `--resume: ${outDir} holds no run.json: nothing to resume (give the --out of the interrupted run)`);
  if (options.resume && !existsSync(join(outDir, RUN_FILE))) throw nothingToResume();
  ensureOutDir(outDir);
  const release = lockOutDir(outDir);
  try {
    if (options.resume) {
      const previous = readRunFile(outDir);
      if (!previous) throw nothingToResume();
      const differences = identityDifferences(previous.identity, identity);
      const shardNow = options.shard ?? null;
      if (JSON.stringify(previous.shard) !== JSON.stringify(shardNow)) differences.push(`shard: ${JSON.stringify(previous.shard)} vs ${JSON.stringify(shardNow)}`);
      if (differences.length) {
        throw new HarnessError('BAD_INPUT', `--resume: ${outDir} holds a different run (${differences.join('; ')}): resume with the same scenarios and flags, or choose another --out`);
      }
    } else if (existsSync(join(outDir, 'results.jsonl')) && readResults(join(outDir, 'results.jsonl')).records.length > 0) {
      throw new HarnessError('BAD_INPUT', `--out ${outDir} already holds results.jsonl: add --resume to continue that run, or choose another --out (nothing is overwritten)`);
    }
  } catch (err) {
    release();
    throw err;
  }
  return release;
}

/** Trials already in results.jsonl (on --resume): they are kept and not run again. */
function finishedTrials(outDir: string, options: RunOptions): Set<string> {
  const done = new Set<string>();
  if (!options.resume) return done;
  const { records, problems } = readResults(join(outDir, 'results.jsonl'));
  for (const p of problems) progress(`warning: ${p}`);
  for (const r of records) done.add(trialKey(r));
  return done;
}

interface RunFacts {
  identity: RunIdentity;
  scenarios: Scenario[];
  toolchains: GoToolchain[];
  prereq: ReturnType<typeof checkPrerequisites>;
  lanes: LaneChoice;
}

function writeRun(outDir: string, options: RunOptions, facts: RunFacts): void {
  const { identity, scenarios, toolchains, prereq, lanes } = facts;
  writeRunFile(outDir, {
    identity,
    shard: options.shard ?? null,
    command: options.command ?? process.argv.slice(1).join(' '),
    scenarios: scenarios.map((s) => ({ name: s.name, file: s.file, description: s.description, ...effective(s, options), mitigations: s.mitigations.map((m) => m.name), faults: s.faults, corporateProxy: s.corporateProxy ?? null, mirrors: s.mirrors, sumdbMirrors: s.sumdbMirrors, corpus: s.corpus, expect: s.expect, project: s.project ?? null, workload: workloadLabel(s.workload) })),
    backend: options.backend ?? 'netns',
    ...(options.backend === 'docker' ? {} : { sandbox: namespaceMode() }),
    go: toolchains.map((t) => ({ version: t.version, binary: t.binary, cgoBuild: t.cgoBuild, defaultGoproxy: t.defaultGoproxy, defaultGosumdb: t.defaultGosumdb })),
    // the client's Go telemetry in every trial: off, so nothing of a trial outlives it
    client: { telemetry: CLIENT_TELEMETRY },
    toxiproxy: prereq.toxiproxyBinary,
    machine: { hostname: hostname(), cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform}-${process.arch}` },
    lanes,
    startedAt: new Date().toISOString(),
  });
}

interface PlanRun {
  options: RunOptions;
  scenarios: Scenario[];
  outDir: string;
  resultsFile: string;
  defaultName: string;
  goVersions: string[];
  prereq: ReturnType<typeof checkPrerequisites>;
  toolchains: GoToolchain[];
  lanes: LaneChoice;
}

/**
 * Runs the remaining trials on the run's lanes, then writes the reports. A failure of a sandbox
 * itself stops the run, but only after the reports of what was measured are written and the
 * resume command is printed.
 */
async function runPlan(remaining: PlannedTrial[], planned: number, run: PlanRun): Promise<RunOutcome> {
  const { options, scenarios, outDir, resultsFile, lanes } = run;
  progress(`gomod-chaos: ${scenarios.length} scenario(s), ${planned} trials${options.shard ? ` (shard ${options.shard.index}/${options.shard.count})` : ''}, ${remaining.length} to run, ${run.goVersions.join(', ')}, ${lanes.parallel} lane(s) -> ${outDir}`);
  const bar = new Progress(planned, planned - remaining.length, options.reporters);
  const interrupt = new RunInterrupt((line) => bar.note(line));
  // the harness alone appends to results.jsonl: each record as it arrives, flushed
  const writer = new ResultsWriter(resultsFile);
  const load = new LoadSampler();
  let failure: unknown;
  try {
    const ctx = { prereq: run.prereq, toolchains: run.toolchains, writer, bar, interrupt, admission: lanes.admission ? new CpuAdmission() : undefined };
    const units = schedule(scenarios, remaining, Boolean(options.against), lanes.parallel);
    await runLanes(units, lanes.parallel, (unit, lane) => runInSandbox(unit.scenario, unit.trials, lane, options, ctx, unit.perTrial), () => interrupt.interrupted, Boolean(ctx.admission));
  } catch (err) {
    failure = err;
  } finally {
    writer.close();
    interrupt.dispose();
    bar.stop();
  }
  if (failure && !existsSync(resultsFile)) throw failure;
  recordEnd(outDir, failure ? errorMessage(failure) : undefined, lanes, load.summary());
  return finishRun(planned, run, { interrupted: interrupt.interrupted, failure });
}

/** More than one lane: the trials are admitted across lanes so that two CPU-bound ones never overlap (runner/admission.ts). */
function withAdmission(lanes: LaneChoice): LaneChoice {
  return lanes.parallel > 1 ? { ...lanes, admission: describeAdmission() } : lanes;
}

/** run.json gets why the run stopped early (if it did), the lanes and the machine's load of this (last) segment. */
function recordEnd(outDir: string, stoppedBy: string | undefined, lanes: LaneChoice, load: LoadSummary): void {
  recordRunEnd(outDir, { stoppedBy, lanes, load });
  progress(`lanes: ${lanes.parallel} (${lanes.chosen}: ${lanes.reason})${lanes.admission ? `; admission: ${lanes.admission}` : ''}; machine load (1-min average) median ${load.medianLoad1}, max ${load.maxLoad1} on ${load.cores} cores`);
}

/** The reports, the resume hint of an unfinished run, the expectations. */
function finishRun(planned: number, run: PlanRun, end: { interrupted: boolean; failure: unknown }): RunOutcome {
  const { options, outDir, resultsFile } = run;
  const { interrupted, failure } = end;
  const { records, markdown, report } = writeReports(outDir, { title: run.defaultName });
  for (const p of report.skippedLines) progress(`warning: ${p}`);
  if (!options.quiet && !failure) process.stdout.write(markdown);
  if (interrupted || failure) {
    progress(`${failure ? 'stopped by a failure of the sandbox' : 'interrupted'}: ${records.length} of ${planned} trials kept in ${resultsFile}`);
    progress(`resume with: npx gomod-chaos run ${options.scenarios.map((s) => s.file).join(' ')} --out ${outDir} --resume${resumeFlags(options)}`);
  }
  const failedExpectations = report.scenarios.flatMap((s) => (s.expectations ?? []).filter((e) => !e.ok).map((e) => describeFailure(s.name, e)));
  const checked = report.scenarios.reduce((n, s) => n + (s.expectations?.length ?? 0), 0);
  if (checked) progress(failedExpectations.length ? `expectations: ${failedExpectations.length} of ${checked} FAILED:\n  ${failedExpectations.join('\n  ')}` : `expectations: all ${checked} met`);
  progress(`report: ${outDir}`);
  if (failure) throw failure;
  return { outDir, resultsFile, interrupted, trials: records.length, failedExpectations };
}

/**
 * The lanes' units: scenarios (or their slices); with --against (one lane) the base and the
 * candidate trial by trial in one sandbox when only their faults differ, else alternating blocks.
 */
function schedule(scenarios: readonly Scenario[], remaining: readonly PlannedTrial[], against: boolean, parallel: number): Array<LaneUnit<Scenario>> {
  if (!against) return laneUnits(scenarios, remaining, parallel);
  const [base, candidate] = scenarios as [Scenario, Scenario];
  return scheduleAgainst(base, candidate, remaining)
    .filter((u) => u.trials.length > 0)
    .map((u) => ({ ...u, kind: laneKind(u.scenario) }));
}

function resumeFlags(options: RunOptions): string {
  const flags: string[] = [];
  if (options.reps !== undefined) flags.push(`--reps ${options.reps}`);
  if (options.timeoutMs !== undefined) flags.push(`--timeout ${options.timeoutMs}ms`);
  if (options.seed !== undefined) flags.push(`--seed ${options.seed}`);
  if (options.goVersions) flags.push(`--go ${options.goVersions.join(',')}`);
  if (options.shard) flags.push(`--shard ${options.shard.index}/${options.shard.count}`);
  if (options.against) flags.push(`--against ${options.against.file}`);
  return flags.length ? ` ${flags.join(' ')}` : '';
}
