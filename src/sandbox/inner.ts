/**
 * The run's process inside the sandbox (pid 1 of its pid namespace). It owns every component;
 * when it exits, the kernel kills whatever is left in the namespace and tears the network and
 * mounts down with it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError, errorMessage } from '../errors.ts';
import { layerFaults } from '../scenario/faults.ts';
import { ResultsWriter } from '../runner/record.ts';
import { runTrial } from '../runner/trial.ts';
import { FakeInternet } from '../topology/fake-internet.ts';
import type { SandboxEvent, SandboxRunConfig } from './run-config.ts';

const CONTROL_FD = 3;

function emit(event: SandboxEvent): void {
  try {
    writeSync(CONTROL_FD, JSON.stringify(event) + '\n');
  } catch {
    // the harness is gone; nothing to tell
  }
}

function prepareNamespace(scratchDir: string): void {
  execFileSync('ip', ['link', 'set', 'lo', 'up']);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'mode=0755', 'gomod-chaos-scratch', scratchDir]);
}

async function main(): Promise<number> {
  const t0 = performance.now();
  const config = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as SandboxRunConfig;
  const abort = new AbortController();
  let interrupted = false;
  const stop = () => {
    interrupted = true;
    abort.abort();
  };
  // The harness writes "stop" to ask for a clean stop; EOF means it died: stop as well.
  process.stdin.on('data', (d: Buffer) => d.toString().includes('stop') && stop());
  process.stdin.on('end', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  prepareNamespace(config.scratchDir);
  const componentsStart = performance.now();
  const internet = await FakeInternet.start({
    hosts: config.hosts,
    pki: config.pki,
    ...(config.corporateProxy ? { corporateProxy: config.corporateProxy } : {}),
    corpus: config.corpus,
    defaultGosumdb: config.defaultGosumdb,
    toxiproxyBinary: config.toxiproxyBinary,
    workDir: join(config.scratchDir, 'components'),
  });
  emit({ type: 'ready', readyMs: performance.now() - t0, componentsMs: performance.now() - componentsStart });

  const writer = new ResultsWriter(config.resultsFile);
  const mitigations = new Map(config.mitigations.map((m) => [m.name, m]));
  const faults = layerFaults(config.faults);
  let done = 0;
  try {
    for (const planned of config.trials) {
      if (interrupted) break;
      const mitigation = mitigations.get(planned.mitigation);
      const goBinary = config.toolchains[planned.goVersion];
      if (!mitigation || !goBinary) throw new Error(`trial ${planned.trial}: unknown mitigation ${planned.mitigation} or go ${planned.goVersion}`);
      const { aborted, ...record } = await runTrial(
        { scenario: config.scenario, mitigation, rep: planned.rep, trial: planned.trial, seed: config.seed, timeoutMs: config.timeoutMs, faults, goBinary, goVersion: planned.goVersion },
        { internet, corpus: config.corpus, defaultGoproxy: config.defaultGoproxy, scratchDir: config.scratchDir, signal: abort.signal },
      );
      // A trial cut short by Ctrl-C measured nothing: it is not recorded and runs again on resume.
      if (aborted) break;
      writer.append(record);
      done++;
      emit({ type: 'trial', scenario: config.scenario, trial: planned.trial, mitigation: record.mitigation, goVersion: record.goVersion, rep: record.rep, outcome: record.outcome, failureClass: record.failureClass, durationMs: record.durationMs, wallMs: record.wallMs });
    }
  } finally {
    writer.close();
    await internet.stop();
  }
  emit({ type: 'done', trials: done, interrupted });
  return interrupted ? 130 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    emit({ type: 'error', message: errorMessage(err), code: err instanceof HarnessError ? err.code : 'INTERNAL' });
    process.exit(err instanceof HarnessError ? 2 : 1);
  },
);
