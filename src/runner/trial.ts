import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDownloadJson } from '../client/download-output.ts';
import { clientDirs, clientEnvironment, disableTelemetry, withPrivateModules, type ClientDirs } from '../client/environment.ts';
import { runGo, type GoRunResult } from '../client/run-go.ts';
import type { Corpus } from '../corpus/generate.ts';
import type { Mitigation } from '../mitigations/catalog.ts';
import { prepareClient, type PreparedClient } from '../mitigations/apply.ts';
import { createRandom } from '../random.ts';
import type { LayeredFaults } from '../faults/catalog.ts';
import type { FakeInternet } from '../topology/fake-internet.ts';
import { observationsOf, type Observations } from './observations.ts';
import { errorMessage } from '../errors.ts';
import { classifyFailure } from './classify.ts';
import { RECORD_SCHEMA, type TracedRecord, type TrialRecord } from './record.ts';
import { spansOf, type ClientPhases } from '../trace/collect.ts';
import type { HostLogs } from '../topology/hosts.ts';
import { executeWorkload, type Execution, type ResolvedWorkload } from '../workload/execute.ts';
import { workloadLabel } from '../workload/schema.ts';
import { requiredToolchain } from '../workload/toolchain-line.ts';

export interface TrialSpec {
  scenario: string;
  mitigation: Mitigation;
  rep: number;
  trial: number;
  seed: number;
  timeoutMs: number;
  faults: LayeredFaults;
  goBinary: string;
  goVersion: string;
}

export interface TrialContext {
  internet: FakeInternet;
  corpus: Corpus;
  defaultGoproxy: string;
  /** Scratch space of the run (a tmpfs of the sandbox). */
  scratchDir: string;
  signal?: AbortSignal;
  /** Where the run's hosts live (recorded with every trial). */
  backend: 'netns' | 'docker';
  /** What the client runs (default: go mod download -json). */
  workload?: ResolvedWorkload;
  /** GOCACHE shared by the trials that compile (see SandboxRunConfig.buildCacheDir); else a fresh one per trial. */
  buildCacheDir?: string;
}

export type TrialResult = TracedRecord & { aborted: boolean };

const STDERR_TAIL_BYTES = 2_000;

/** The fields of a record that say what happened, after the fields every record has. */
type Verdict = Pick<TrialRecord, 'outcome' | 'failureClass' | 'durationMs' | 'mitigationSetupMs' | 'attempts' | 'exitCode' | 'modules' | 'stderrTail' | 'commands'> & { aborted: boolean };

interface Started {
  wallStart: number;
  startedAt: string;
}

/** A trial ready to run: fresh client state, faults in place, the mitigation set up. */
interface PreparedTrial {
  dirs: ClientDirs;
  workDir: string;
  client: PreparedClient;
  resolvConf: string;
  hostsFile: string;
}


/**
 * One trial: fresh client state, the real `go mod download -json`, what every component saw.
 * Never throws: whatever goes wrong in the harness during the trial (setup, a component, log
 * reads, the reset after it) becomes this trial's `harness-error` record, and the run goes on.
 */
export async function runTrial(spec: TrialSpec, ctx: TrialContext): Promise<TrialResult> {
  const started: Started = { wallStart: performance.now(), startedAt: new Date().toISOString() };
  const trialDir = join(ctx.scratchDir, `trial-${spec.trial}`);
  let result: TrialResult;
  try {
    result = await measure(spec, ctx, trialDir, started);
  } catch (err) {
    result = await harnessError(spec, ctx, started, 'harness', `the harness failed during this trial: ${errorMessage(err)}`);
  }
  // back to a clean network before the next trial; a network that cannot be reset makes this
  // trial's figures doubtful, so it is recorded as the harness's failure too
  try {
    await ctx.internet.endTrial();
  } catch (err) {
    if (result.outcome !== 'harness-error') {
      result = { ...result, outcome: 'harness-error', failureClass: 'trial-reset', stderrTail: `the network could not be reset after this trial: ${errorMessage(err)}`.slice(-STDERR_TAIL_BYTES) };
    }
  }
  await removeScratch(trialDir);
  return result;
}

async function measure(spec: TrialSpec, ctx: TrialContext, trialDir: string, started: Started): Promise<TrialResult> {
  let prepared: PreparedTrial;
  try {
    prepared = await prepareTrial(spec, ctx, trialDir);
  } catch (err) {
    if (!(err instanceof MitigationSetupError)) throw err;
    // a mitigation that cannot even be set up is the harness's failure, recorded like any trial
    return harnessError(spec, ctx, started, 'mitigation-setup', `${spec.mitigation.name} could not be set up: ${errorMessage(err.cause)}`);
  }
  let execution: Execution;
  const goStartEpochMs = epochNow();
  try {
    execution = await executeTrial(spec, ctx, prepared);
  } finally {
    await prepared.client.stop();
  }
  const { seen, trace } = await observe(ctx.internet, spec, { goStartEpochMs, goMs: execution.goMs, workload: workloadLabel(ctx.workload ?? 'download') });
  return { ...recordBase(spec, ctx.backend, started, seen), workload: workloadLabel(ctx.workload ?? 'download'), ...classifyTrial(execution, prepared.client), ...trace };
}

const epochNow = () => performance.timeOrigin + performance.now();

class MitigationSetupError extends Error {}

/** Fresh client state, the trial's faults and clock, then the mitigation's own setup. */
async function prepareTrial(spec: TrialSpec, ctx: TrialContext, trialDir: string): Promise<PreparedTrial> {
  const dirs = clientDirs(trialDir);
  const workDir = join(trialDir, 'work');
  await Promise.all([dirs.home, dirs.gopath, dirs.gocache, dirs.tmp, dirs.emptyCertDir].map((d) => mkdir(d, { recursive: true })));
  await disableTelemetry(dirs);
  // a project's own VCS metadata never matters to go (and can be large)
  await cp(ctx.corpus.workloadDir, workDir, { recursive: true, filter: (src) => !/\/(\.git|\.hg|node_modules)$/.test(src) });
  // every trial draws its own random faults, reproducibly: seed and position in the run
  const trialSeed = spec.seed * 100_003 + spec.trial;
  await ctx.internet.beginTrial(spec.faults, trialSeed);
  // the trial clock runs from the client's first move: a mitigation's own work (a DNS warm-up,
  // an RTT probe) meets the faults too
  await ctx.internet.startClock();
  let client: PreparedClient;
  try {
    client = await prepareClient(spec.mitigation, { internet: ctx.internet, defaultGoproxy: ctx.defaultGoproxy, corpusSite: ctx.internet.corpusSite, random: createRandom(trialSeed) });
  } catch (err) {
    throw new MitigationSetupError('mitigation setup', { cause: err });
  }
  const resolvConf = join(trialDir, 'resolv.conf');
  const hostsFile = join(trialDir, 'hosts');
  try {
    await writeFile(resolvConf, client.files.resolvConf);
    await writeFile(hostsFile, client.files.hosts);
  } catch (err) {
    await client.stop();
    throw err;
  }
  return { dirs, workDir, client, resolvConf, hostsFile };
}

/** The workload's commands under the trial's hard deadline (again, under the retry wrapper). */
async function executeTrial(spec: TrialSpec, ctx: TrialContext, prepared: PreparedTrial): Promise<Execution> {
  const { client } = prepared;
  // a project's private modules stay private in every trial: the user's GOPRIVATE, under the mitigation's own
  const base = clientEnvironment(spec.goBinary, prepared.dirs, ctx.internet.caFile, withPrivateModules(client.env, ctx.corpus.private?.env));
  const env = ctx.buildCacheDir ? { ...base, GOCACHE: ctx.buildCacheDir } : base;
  const files = { resolvConf: prepared.resolvConf, hostsFile: prepared.hostsFile, hostFilesInPlace: ctx.backend === 'docker' };
  const signal = ctx.signal ? { signal: ctx.signal } : {};
  return executeWorkload(ctx.workload ?? 'download', {
    timeoutMs: spec.timeoutMs,
    ownToolchain: ctx.workload === 'toolchain' && requiredToolchain(await readFile(join(prepared.workDir, 'go.mod'), 'utf8'), spec.goVersion) !== undefined,
    retry: client.retry,
    runGo: (args, deadlineMs, extra) => runGo({ goBinary: spec.goBinary, args, cwd: prepared.workDir, env: { ...env, ...extra }, ...files, deadlineMs, ...signal }),
    script: { cwd: prepared.workDir, env, ...files, trialDir: join(prepared.workDir, '..'), ...signal },
  });
}

/** Outcome and failure class from what go printed and how it ended. */
function classifyTrial(execution: Execution, client: PreparedClient): Verdict {
  const { result } = execution;
  const downloaded = parseDownloadJson(result.stdout);
  const moduleErrors = downloaded.filter((m) => m.Error).map((m) => m.Error as string);
  const diagnostics = [result.stderr.trim(), ...moduleErrors].filter(Boolean).join('\n');
  const [outcome, failureClass]: [TrialRecord['outcome'], string | null] = result.spawnError
    ? ['harness-error', 'spawn']
    : execution.wrapperGaveUp
      ? ['fail', 'retry-exhausted']
      : result.timedOut
        ? ['timeout', 'deadline']
        : result.exitCode === 0 && moduleErrors.length === 0
          ? ['ok', null]
          : ['fail', classifyFailure(diagnostics)];
  return {
    outcome,
    failureClass,
    durationMs: Math.round(execution.goMs * 10) / 10,
    mitigationSetupMs: Math.round(client.setupMs * 10) / 10,
    attempts: execution.attempts,
    exitCode: result.exitCode,
    modules: downloaded.filter((m) => !m.Error && m.Zip).length,
    commands: execution.commands,
    stderrTail: (result.spawnError ?? diagnostics).slice(-STDERR_TAIL_BYTES),
    aborted: result.aborted,
  };
}

/** What the hosts of the fake internet saw since the trial began, as counts and as the trial's trace. */
async function observe(internet: FakeInternet, spec: TrialSpec, client?: Omit<ClientPhases, 'goStartMs'> & { goStartEpochMs: number }): Promise<{ seen: Observations; trace: Pick<TracedRecord, 'trace'> }> {
  const logs = await internet.hostLogs();
  const trace = traceOf(internet, spec, logs, client);
  const seen = observationsOf(logs, internet.plan);
  const components = await internet.componentLogs();
  return { seen: components ? { ...seen, components } : seen, trace };
}

/** The trial's spans, on the clock of the trial (none when the clock never started). */
function traceOf(internet: FakeInternet, spec: TrialSpec, logs: HostLogs, client?: Omit<ClientPhases, 'goStartMs'> & { goStartEpochMs: number }): Pick<TracedRecord, 'trace'> {
  const zeroEpochMs = internet.clockStartedEpochMs;
  if (zeroEpochMs === undefined) return {};
  const phases = client ? { goStartMs: client.goStartEpochMs - zeroEpochMs, goMs: client.goMs, workload: client.workload } : undefined;
  return { trace: spansOf({ logs, faults: spec.faults, zeroEpochMs, readEpochMs: epochNow(), client: phases }) };
}

/** The record of a trial the harness itself could not carry out. */
async function harnessError(spec: TrialSpec, ctx: TrialContext, started: Started, failureClass: string, message: string): Promise<TrialResult> {
  // what the components saw is kept when they can still say it
  const { seen, trace } = await observe(ctx.internet, spec).catch(() => ({ seen: EMPTY_OBSERVATIONS, trace: {} }));
  return {
    ...recordBase(spec, ctx.backend, started, seen),
    ...trace,
    outcome: 'harness-error',
    failureClass,
    durationMs: 0,
    mitigationSetupMs: 0,
    attempts: 0,
    exitCode: null,
    modules: 0,
    stderrTail: message.slice(-STDERR_TAIL_BYTES),
    aborted: false,
  };
}

/**
 * Removes a trial's scratch: every process of the trial is gone by now (its pid namespace died
 * with go), yet a busy disk may still hold a file open for a moment, so removal retries. It never
 * fails the run: the run's scratch is a tmpfs that vanishes with the sandbox anyway.
 */
async function removeScratch(trialDir: string): Promise<void> {
  try {
    await rm(trialDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch (err) {
    process.stderr.write(`warning: trial scratch ${trialDir} not removed: ${errorMessage(err)}\n`);
  }
}

const EMPTY_OBSERVATIONS: Observations = {
  dns: { queries: 0, byName: {}, failed: 0 },
  tcp: { connections: 0 },
  tls: { handshakes: 0, sni: {} },
  http: { requests: 0, h1: 0, h2: 0, byStatus: {}, bytes: 0 },
  firewall: {},
  proxy: { connects: 0, byStatus: {} },
  sumdb: { requests: 0, lookups: 0, tiles: 0, timeMs: 0 },
};

/** The fields every record has, whatever happened in the trial. */
function recordBase(spec: TrialSpec, backend: TrialContext['backend'], started: Started, seen: Observations) {
  return {
    schema: RECORD_SCHEMA as typeof RECORD_SCHEMA,
    scenario: spec.scenario,
    mitigation: spec.mitigation.name,
    rep: spec.rep,
    trial: spec.trial,
    backend,
    goVersion: spec.goVersion,
    wallMs: Math.round((performance.now() - started.wallStart) * 10) / 10,
    bytes: seen.http.bytes,
    ...seen,
    startedAt: started.startedAt,
    seed: spec.seed,
  };
}
