import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDownloadJson } from '../client/download-output.ts';
import { clientDirs, clientEnvironment } from '../client/environment.ts';
import { runGo, type GoRunResult } from '../client/run-go.ts';
import type { Corpus } from '../corpus/generate.ts';
import type { Mitigation } from '../mitigations/catalog.ts';
import { prepareClient, type PreparedClient } from '../mitigations/apply.ts';
import { createRandom } from '../random.ts';
import type { LayeredFaults } from '../scenario/faults.ts';
import type { FakeInternet, Observations } from '../topology/fake-internet.ts';
import { errorMessage } from '../errors.ts';
import { classifyFailure } from './classify.ts';
import { RECORD_SCHEMA, type TrialRecord } from './record.ts';

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
}

const STDERR_TAIL_BYTES = 2_000;

/** One trial: fresh client state, the real `go mod download -json`, what every component saw. */
export async function runTrial(spec: TrialSpec, ctx: TrialContext): Promise<TrialRecord & { aborted: boolean }> {
  const wallStart = performance.now();
  const startedAt = new Date().toISOString();
  const trialDir = join(ctx.scratchDir, `trial-${spec.trial}`);
  const dirs = clientDirs(trialDir);
  const workDir = join(trialDir, 'work');
  await Promise.all([dirs.home, dirs.gopath, dirs.gocache, dirs.tmp, dirs.emptyCertDir].map((d) => mkdir(d, { recursive: true })));
  await cp(ctx.corpus.workloadDir, workDir, { recursive: true });
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
    // a mitigation that cannot even be set up is the harness's failure, recorded like any trial
    const seen = await ctx.internet.observe();
    await ctx.internet.endTrial();
    await rm(trialDir, { recursive: true, force: true });
    return {
      ...recordBase(spec, ctx.backend, startedAt, wallStart, seen),
      outcome: 'harness-error',
      failureClass: 'mitigation-setup',
      durationMs: 0,
      mitigationSetupMs: 0,
      attempts: 0,
      exitCode: null,
      modules: 0,
      stderrTail: `${spec.mitigation.name} could not be set up: ${errorMessage(err)}`.slice(-STDERR_TAIL_BYTES),
      aborted: false,
    };
  }
  const resolvConf = join(trialDir, 'resolv.conf');
  const hostsFile = join(trialDir, 'hosts');
  await writeFile(resolvConf, client.files.resolvConf);
  await writeFile(hostsFile, client.files.hosts);

  const goRun = (deadlineMs: number) =>
    runGo({
      goBinary: spec.goBinary,
      args: ['mod', 'download', '-json'],
      cwd: workDir,
      env: clientEnvironment(spec.goBinary, dirs, ctx.internet.caFile, client.env),
      resolvConf,
      hostsFile,
      hostFilesInPlace: ctx.backend === 'docker',
      deadlineMs,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  let result: GoRunResult;
  let attempts = 0;
  let goMs = 0;
  let wrapperGaveUp = false;
  try {
    // the retry wrapper kills go at its own deadline and tries again, keeping the module cache;
    // the trial's hard deadline still bounds the whole
    const maxAttempts = client.retry?.attempts ?? 1;
    for (;;) {
      attempts++;
      const remainingMs = spec.timeoutMs - goMs;
      const wrapperDeadline = client.retry ? Math.min(client.retry.attemptDeadlineMs, remainingMs) : remainingMs;
      result = await goRun(wrapperDeadline);
      goMs += result.durationMs;
      const failed = result.timedOut || result.exitCode !== 0;
      if (!failed || attempts >= maxAttempts || result.aborted || result.spawnError || goMs >= spec.timeoutMs) break;
    }
    // the wrapper gave up (its own deadline, attempts used up) before the harness deadline
    wrapperGaveUp = Boolean(client.retry && result.timedOut && goMs < spec.timeoutMs);
  } finally {
    await client.stop();
  }
  const seen = await ctx.internet.observe();
  await ctx.internet.endTrial();
  const downloaded = parseDownloadJson(result.stdout);
  const moduleErrors = downloaded.filter((m) => m.Error).map((m) => m.Error as string);
  const diagnostics = [result.stderr.trim(), ...moduleErrors].filter(Boolean).join('\n');

  let outcome: TrialRecord['outcome'];
  let failureClass: string | null = null;
  if (result.spawnError) {
    outcome = 'harness-error';
    failureClass = 'spawn';
  } else if (wrapperGaveUp) {
    outcome = 'fail';
    failureClass = 'retry-exhausted';
  } else if (result.timedOut) {
    outcome = 'timeout';
    failureClass = 'deadline';
  } else if (result.exitCode === 0 && moduleErrors.length === 0) {
    outcome = 'ok';
  } else {
    outcome = 'fail';
    failureClass = classifyFailure(diagnostics);
  }
  await rm(trialDir, { recursive: true, force: true });

  return {
    ...recordBase(spec, ctx.backend, startedAt, wallStart, seen),
    outcome,
    failureClass,
    durationMs: Math.round(goMs * 10) / 10,
    mitigationSetupMs: Math.round(client.setupMs * 10) / 10,
    attempts,
    exitCode: result.exitCode,
    modules: downloaded.filter((m) => !m.Error && m.Zip).length,
    stderrTail: (result.spawnError ?? diagnostics).slice(-STDERR_TAIL_BYTES),
    aborted: result.aborted,
  };
}

/** The fields every record has, whatever happened in the trial. */
function recordBase(spec: TrialSpec, backend: TrialContext['backend'], startedAt: string, wallStart: number, seen: Observations) {
  return {
    schema: RECORD_SCHEMA as typeof RECORD_SCHEMA,
    scenario: spec.scenario,
    mitigation: spec.mitigation.name,
    rep: spec.rep,
    trial: spec.trial,
    backend,
    goVersion: spec.goVersion,
    wallMs: Math.round((performance.now() - wallStart) * 10) / 10,
    bytes: seen.http.bytes,
    ...seen,
    startedAt,
    seed: spec.seed,
  };
}
