import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDownloadJson } from '../client/download-output.ts';
import { clientDirs, clientEnvironment } from '../client/environment.ts';
import { runGo } from '../client/run-go.ts';
import type { Corpus } from '../corpus/generate.ts';
import type { Mitigation } from '../mitigations/catalog.ts';
import type { LayeredFaults } from '../scenario/faults.ts';
import type { FakeInternet } from '../topology/fake-internet.ts';
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
}

export interface TrialContext {
  internet: FakeInternet;
  corpus: Corpus;
  goBinary: string;
  goVersion: string;
  /** Scratch space of the run (a tmpfs of the sandbox). */
  scratchDir: string;
  signal?: AbortSignal;
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
  await ctx.internet.beginTrial(spec.faults, spec.seed * 100_003 + spec.trial);
  const files = ctx.internet.clientFiles();
  const resolvConf = join(trialDir, 'resolv.conf');
  const hostsFile = join(trialDir, 'hosts');
  await writeFile(resolvConf, files.resolvConf);
  await writeFile(hostsFile, files.hosts);

  const marks = ctx.internet.marks();
  ctx.internet.startClock();
  const result = await runGo({
    goBinary: ctx.goBinary,
    args: ['mod', 'download', '-json'],
    cwd: workDir,
    env: clientEnvironment(ctx.goBinary, dirs, ctx.internet.caFile, { ...ctx.internet.networkEnv(), ...spec.mitigation.env }),
    resolvConf,
    hostsFile,
    deadlineMs: spec.timeoutMs,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const seen = ctx.internet.observe(marks);
  await ctx.internet.endTrial();
  const downloaded = parseDownloadJson(result.stdout);
  const moduleErrors = downloaded.filter((m) => m.Error).map((m) => m.Error as string);
  const diagnostics = [result.stderr.trim(), ...moduleErrors].filter(Boolean).join('\n');

  let outcome: TrialRecord['outcome'];
  let failureClass: string | null = null;
  if (result.spawnError) {
    outcome = 'harness-error';
    failureClass = 'spawn';
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
    schema: RECORD_SCHEMA,
    scenario: spec.scenario,
    mitigation: spec.mitigation.name,
    rep: spec.rep,
    trial: spec.trial,
    backend: 'netns',
    goVersion: ctx.goVersion,
    outcome,
    failureClass,
    durationMs: Math.round(result.durationMs * 10) / 10,
    wallMs: Math.round((performance.now() - wallStart) * 10) / 10,
    exitCode: result.exitCode,
    modules: downloaded.filter((m) => !m.Error && m.Zip).length,
    bytes: seen.http.bytes,
    ...seen,
    stderrTail: (result.spawnError ?? diagnostics).slice(-STDERR_TAIL_BYTES),
    startedAt,
    seed: spec.seed,
    aborted: result.aborted,
  };
}
