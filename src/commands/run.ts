import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureCorpus } from '../corpus/generate.ts';
import { HarnessError } from '../errors.ts';
import { progress } from '../log.ts';
import { cacheDir } from '../paths.ts';
import { readResults } from '../report/results.ts';
import { summarize, summaryMarkdown } from '../report/summary.ts';
import { namespaceMode, startSandbox } from '../sandbox/netns.ts';
import { createScratchDir } from '../sandbox/scratch.ts';
import { createRunPki } from '../tls/run-pki.ts';
import type { SandboxEvent } from '../sandbox/run-config.ts';
import type { Scenario } from '../scenario/load.ts';
import { checkPrerequisites, publicHosts } from './prepare.ts';

export interface RunOptions {
  scenario: Scenario;
  outDir?: string;
  reps?: number;
  timeoutMs?: number;
  seed?: number;
  /** Called with each event the sandbox sends (benchmarks use it). */
  onEvent?: (event: SandboxEvent) => void;
  /** Print the summary on stdout (the CLI does; benchmarks do not). */
  quiet?: boolean;
}

export interface RunOutcome {
  outDir: string;
  resultsFile: string;
  interrupted: boolean;
  trials: number;
}

function timestamp(date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** `gomod-chaos run`: every mitigation x repetition of a scenario, inside a fresh sandbox. */
export async function runScenario(options: RunOptions): Promise<RunOutcome> {
  const { scenario } = options;
  const reps = options.reps ?? scenario.reps;
  const timeoutMs = options.timeoutMs ?? scenario.timeoutMs;
  const seed = options.seed ?? scenario.seed;
  const prereq = checkPrerequisites({ installMissing: true });
  const corpus = await ensureCorpus(scenario.corpus, cacheDir());
  const outDir = resolve(options.outDir ?? join('reports', `${scenario.name}-${timestamp()}`));
  mkdirSync(outDir, { recursive: true });
  const resultsFile = join(outDir, 'results.jsonl');
  if (existsSync(resultsFile) && readResults(resultsFile).records.length > 0) {
    throw new HarnessError('BAD_INPUT', `--out ${outDir} already holds results.jsonl: choose another --out (or remove it) so no measurement is overwritten`);
  }
  const hosts = publicHosts(prereq.go, scenario.mirrors);
  const total = scenario.mitigations.length * reps;
  writeFileSync(
    join(outDir, 'run.json'),
    JSON.stringify(
      {
        command: process.argv.slice(1).join(' '),
        scenario: scenario.name,
        scenarioFile: scenario.file,
        seed,
        reps,
        timeoutMs,
        mitigations: scenario.mitigations.map((m) => m.name),
        faults: scenario.faults,
        corporateProxy: scenario.corporateProxy ?? null,
        backend: 'netns',
        sandbox: namespaceMode(),
        go: { version: prereq.go.version, binary: prereq.go.binary, cgoBuild: prereq.go.cgoBuild, defaultGoproxy: prereq.go.defaultGoproxy, defaultGosumdb: prereq.go.defaultGosumdb },
        toxiproxy: prereq.toxiproxyBinary,
        corpus: { options: corpus.options, modules: corpus.modules.length, totalZipBytes: corpus.totalZipBytes },
        hosts,
        machine: { hostname: hostname(), cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
        startedAt: new Date().toISOString(),
      },
      null,
      2,
    ),
  );

  const scratchDir = createScratchDir();
  progress(`gomod-chaos: ${scenario.name}: ${total} trials (${scenario.mitigations.map((m) => m.name).join(', ')} x ${reps}), ${prereq.go.version}, corpus ${corpus.modules.length} modules / ${(corpus.totalZipBytes / 1e6).toFixed(1)} MB, seed ${seed}`);
  let done = 0;
  let interrupted = false;
  let sandboxError: SandboxEvent | undefined;
  const sandbox = startSandbox(
    {
      scenario: scenario.name,
      corpus,
      mitigations: scenario.mitigations,
      faults: scenario.faults,
      corporateProxy: scenario.corporateProxy,
      reps,
      timeoutMs,
      seed,
      hosts,
      pki: await createRunPki(hosts.map((h) => h.name)),
      goBinary: prereq.go.binary,
      goVersion: prereq.go.version,
      defaultGoproxy: prereq.go.defaultGoproxy,
      toxiproxyBinary: prereq.toxiproxyBinary,
      resultsFile,
      skipTrials: [],
      scratchDir,
    },
    (event) => {
      options.onEvent?.(event);
      if (event.type === 'ready') progress(`sandbox ready in ${Math.round(event.sinceSpawnMs ?? event.readyMs)} ms`);
      else if (event.type === 'trial') {
        done++;
        const what = event.outcome === 'ok' ? 'ok' : `${event.outcome} (${event.failureClass})`;
        progress(`[${done}/${event.total}] ${event.mitigation} #${event.rep + 1}: ${what} in ${Math.round(event.durationMs)} ms`);
      } else if (event.type === 'error') sandboxError = event;
      else if (event.type === 'done') interrupted = event.interrupted;
    },
  );
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) {
      progress('interrupt: stopping after killing the trial in flight (Ctrl-C again to kill at once)');
      sandbox.requestStop();
    } else sandbox.kill();
    interrupted = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let exit;
  try {
    exit = await sandbox.exited;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    rmSync(scratchDir, { recursive: true, force: true });
  }
  if (sandboxError?.type === 'error') {
    throw new HarnessError('COMPONENT_START', `the run failed inside the sandbox: ${sandboxError.message}`);
  }
  if (exit.code !== 0 && !interrupted) {
    throw new HarnessError('COMPONENT_START', `the sandbox exited with ${exit.code ?? exit.signal}: ${exit.stderrTail.split('\n').slice(-3).join(' | ') || 'no output'}`);
  }

  const { records, problems } = readResults(resultsFile);
  for (const p of problems) progress(`warning: ${p}`);
  const rows = summarize(records);
  const markdown = `# gomod-chaos: ${scenario.name}\n\n${scenario.description}\n\n${summaryMarkdown(`${records.length} trials, ${prereq.go.version}, seed ${seed}`, rows)}`;
  writeFileSync(join(outDir, 'report.md'), markdown);
  writeFileSync(join(outDir, 'report.json'), JSON.stringify({ reportSchema: 0, scenario: scenario.name, seed, goVersion: prereq.go.version, trials: records.length, interrupted, mitigations: rows }, null, 2));
  if (!options.quiet) process.stdout.write(markdown);
  if (interrupted) {
    progress(`interrupted: ${records.length} of ${total} trials kept in ${resultsFile}`);
  }
  progress(`report: ${outDir}`);
  return { outDir, resultsFile, interrupted, trials: records.length };
}
