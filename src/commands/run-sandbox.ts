import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { goproxyHosts, gosumdbHost, type GoToolchain } from '../client/toolchain.ts';
import { CORPUS_MODULE_HOST, ensureCorpus } from '../corpus/generate.ts';
import { HarnessError } from '../errors.ts';
import { cacheDir } from '../paths.ts';
import type { Progress } from '../report/progress.ts';
import type { PlannedTrial } from '../runner/plan.ts';
import type { CpuAdmission } from '../runner/admission.ts';
import { laneKind } from '../runner/lanes.ts';
import type { ResultsWriter } from '../runner/record.ts';
import type { Backend, SandboxHandle } from '../sandbox/backend.ts';
import { SANDBOX_BACKENDS } from '../sandbox/backends.ts';
import type { SandboxEvent, SandboxRunConfig } from '../sandbox/run-config.ts';
import { createScratchDir } from '../sandbox/scratch.ts';
import { resolveFaultHosts, type HostTokens } from '../scenario/host-tokens.ts';
import type { Scenario } from '../scenario/load.ts';
import { createRunPki } from '../tls/run-pki.ts';
import { publicHosts } from '../topology/public-hosts.ts';
import { privateHostNames } from '../project/private.ts';
import { workloadRef } from '../workload/schema.ts';
import type { RunInterrupt } from './interrupt.ts';
import type { checkPrerequisites } from './prepare.ts';
import { projectSnapshot, snapshotNeeds } from './snapshot.ts';

/** The flags that override every scenario's own settings. */
export interface ScenarioOverrides {
  reps?: number;
  timeoutMs?: number;
  seed?: number;
  backend?: Backend;
  onEvent?: (event: SandboxEvent) => void;
}

/** The settings a scenario runs with in this run (flags override the file). */
export function effective(scenario: Scenario, options: ScenarioOverrides) {
  return { reps: options.reps ?? scenario.reps, timeoutMs: options.timeoutMs ?? scenario.timeoutMs, seed: options.seed ?? scenario.seed };
}

/** The toolchain's own hosts, for the $goproxy / $gosumdb / $module names of scenario files. */
function hostTokens(go: GoToolchain): HostTokens {
  return { goproxy: goproxyHosts(go.defaultGoproxy)[0] ?? '(no default proxy)', gosumdb: gosumdbHost(go.defaultGosumdb), module: CORPUS_MODULE_HOST };
}

export interface RunContext {
  prereq: ReturnType<typeof checkPrerequisites>;
  toolchains: GoToolchain[];
  /** The one writer of results.jsonl: every sandbox's records arrive here as events. */
  writer: ResultsWriter;
  bar: Progress;
  interrupt: RunInterrupt;
  /** The run's CPU admission across lanes (more than one lane); absent, trials start back to back. */
  admission?: CpuAdmission | undefined;
}

let sandboxCount = 0;

/** scenario x mitigation x go version (x phase): the trials that share an admission prediction. */
const cellOf = (t: { scenario: string; mitigation: string; goVersion: string; phase?: string | undefined }) => `${t.scenario}|${t.mitigation}|${t.goVersion}|${t.phase ?? ''}`;

/** Everything the sandbox of one scenario's trials needs. */
async function sandboxConfig(scenario: Scenario, trials: PlannedTrial[], options: ScenarioOverrides, ctx: RunContext, scratchDir: string, perTrial?: Scenario): Promise<SandboxRunConfig> {
  const corpus = scenario.project ? await projectSnapshot(scenario.project, snapshotNeeds(scenario)) : await ensureCorpus(scenario.corpus, cacheDir());
  const hosts = publicHosts(ctx.toolchains[0]!, scenario.mirrors, scenario.sumdbMirrors, privateHostNames(corpus));
  const e = effective(scenario, options);
  const tokens = hostTokens(ctx.toolchains[0]!);
  return {
    scenario: scenario.name,
    // install on the synthetic corpus: its own tool unless the scenario names another
    workload: workloadRef(scenario.workload, resolve(scenario.file), scenario.install ?? corpus.tool),
    // the docker client container cannot see the harness cache: its trials compile from cold
    ...(scenario.workload !== 'download' && options.backend !== 'docker' ? { buildCacheDir: join(cacheDir(), 'gocache') } : {}),
    corpus,
    mitigations: scenario.mitigations,
    faults: resolveFaultHosts(scenario.faults, tokens),
    corporateProxy: scenario.corporateProxy,
    trials,
    toolchains: Object.fromEntries(ctx.toolchains.map((t) => [t.version, t.binary])),
    timeoutMs: e.timeoutMs,
    seed: e.seed,
    hosts,
    pki: await createRunPki(hosts.map((h) => h.name)),
    defaultGoproxy: ctx.toolchains[0]!.defaultGoproxy,
    defaultGosumdb: ctx.toolchains[0]!.defaultGosumdb,
    toxiproxyBinary: ctx.prereq.toxiproxyBinary,
    scratchDir,
    components: scenario.components,
    phases: scenario.phases.map((p) => ({ ...p, faults: resolveFaultHosts(p.faults, tokens) })),
    ...(perTrial ? { otherScenario: { name: perTrial.name, faults: resolveFaultHosts(perTrial.faults, tokens) } } : {}),
    ...(ctx.admission ? { admission: true } : {}),
  };
}

/** One scenario's trials (or a lane's slice of them) in one sandbox; its records go to the run's writer, marked with the lane. */
export async function runInSandbox(scenario: Scenario, trials: PlannedTrial[], lane: number, options: ScenarioOverrides, ctx: RunContext, perTrial?: Scenario): Promise<void> {
  const scratchDir = createScratchDir();
  let interrupted = false;
  let sandboxError: Extract<SandboxEvent, { type: 'error' }> | undefined;
  let config: SandboxRunConfig;
  try {
    config = await sandboxConfig(scenario, trials, options, ctx, scratchDir, perTrial);
  } catch (err) {
    rmSync(scratchDir, { recursive: true, force: true });
    throw err;
  }
  const { corpus } = config;
  const owner = ++sandboxCount;
  const kind = laneKind(scenario);
  let sandbox: SandboxHandle | undefined;
  const onEvent = (event: SandboxEvent) => {
    options.onEvent?.(event);
    if (event.type === 'admit') ctx.admission?.request({ owner, trial: event.trial, cell: cellOf(event), kind }, () => sandbox?.admit(event.trial));
    else if (event.type === 'record') {
      const admission = ctx.admission?.finished(owner, event.record.trial, cellOf(event.record), event.record);
      ctx.writer.append({ ...event.record, lane, ...(admission ? { admission } : {}) });
    }
    else if (event.type === 'ready') ctx.bar.note(`${scenario.name}: sandbox ready in ${Math.round(event.sinceSpawnMs ?? event.readyMs)} ms (corpus ${corpus.modules.length} modules, ${(corpus.totalZipBytes / 1e6).toFixed(1)} MB)`);
    else if (event.type === 'trial') ctx.bar.trial(event);
    else if (event.type === 'error') sandboxError = event;
    else if (event.type === 'done') interrupted ||= event.interrupted;
  };
  if (ctx.interrupt.interrupted) {
    // Ctrl-C while the scenario was prepared: no sandbox
    rmSync(scratchDir, { recursive: true, force: true });
    return;
  }
  sandbox = SANDBOX_BACKENDS[options.backend ?? 'netns'].start({ config, go: ctx.toolchains[0]!, log: (line) => ctx.bar.note(`${scenario.name}: ${line}`) }, onEvent);
  ctx.interrupt.attach(sandbox);
  let exit;
  try {
    exit = await sandbox.exited;
  } finally {
    ctx.interrupt.detach(sandbox);
    ctx.admission?.ownerGone(owner);
    rmSync(scratchDir, { recursive: true, force: true });
  }
  if (sandboxError) {
    if (sandboxError.code === 'DOCKER' || sandboxError.code === 'BAD_INPUT') throw new HarnessError(sandboxError.code, `${scenario.name}: ${sandboxError.message}`);
    throw new HarnessError('COMPONENT_START', `${scenario.name}: the run failed inside the sandbox: ${sandboxError.message}`);
  }
  if (exit.code !== 0 && !interrupted && !ctx.interrupt.interrupted) {
    throw new HarnessError('COMPONENT_START', `${scenario.name}: the sandbox exited with ${exit.code ?? exit.signal}: ${exit.stderrTail.split('\n').slice(-3).join(' | ') || 'no output'}`);
  }
}
