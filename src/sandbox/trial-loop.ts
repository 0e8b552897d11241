import { resolveWorkload } from '../workload/resolve.ts';
import { layerFaults } from '../faults/catalog.ts';
import type { TracedRecord } from '../runner/record.ts';
import { runTrial } from '../runner/trial.ts';
import type { FakeInternet } from '../topology/fake-internet.ts';
import { processCpuMs, type AdmissionGate } from './admission-gate.ts';
import type { SandboxEvent, SandboxRunConfig } from './run-config.ts';

export interface TrialLoopSinks {
  record(record: TracedRecord): void;
  emit(event: SandboxEvent): void;
  /** The run's CPU admission (config.admission): resolves when the trial may start. */
  gate: AdmissionGate;
}

/**
 * The run's trials, in the planned order, against a fake internet that is up: the same loop for
 * every backend. Returns how many trials were recorded; stops early when `signal` aborts.
 */
export async function runTrialLoop(config: SandboxRunConfig, internet: FakeInternet, backend: 'netns' | 'docker', signal: AbortSignal, sinks: TrialLoopSinks): Promise<number> {
  const mitigations = new Map(config.mitigations.map((m) => [m.name, m]));
  const faults = layerFaults(config.faults);
  const other = config.otherScenario ? { name: config.otherScenario.name, faults: layerFaults(config.otherScenario.faults) } : undefined;
  const phases = new Map((config.phases ?? []).map((p) => [p.name, { ...p, faults: layerFaults([...config.faults, ...p.faults]) }]));
  let done = 0;
  const workload = await resolveWorkload(config.workload);
  for (const planned of config.trials) {
    if (signal.aborted) break;
    const phase = planned.phase ? phases.get(planned.phase) : undefined;
    if (phase) internet.enterPhase(phase);
    const mitigation = mitigations.get(planned.mitigation);
    const goBinary = config.toolchains[planned.goVersion];
    if (!mitigation || !goBinary) throw new Error(`trial ${planned.trial}: unknown mitigation ${planned.mitigation} or go ${planned.goVersion}`);
    const ofOther = other !== undefined && planned.scenario === other.name;
    // waiting for admission comes before the trial: none of it is in the trial's times
    if (config.admission) await sinks.gate.admit(planned, signal);
    if (signal.aborted) break;
    const cpu0 = processCpuMs();
    const { aborted, ...record } = await runTrial(
      { scenario: ofOther ? other.name : config.scenario, mitigation, rep: planned.rep, trial: planned.trial, seed: config.seed, timeoutMs: config.timeoutMs, faults: ofOther ? other.faults : (phase?.faults ?? faults), goBinary, goVersion: planned.goVersion },
      { internet, corpus: config.corpus, defaultGoproxy: config.defaultGoproxy, scratchDir: config.scratchDir, signal, backend, workload, ...(config.buildCacheDir ? { buildCacheDir: config.buildCacheDir } : {}) },
    );
    // A trial cut short by Ctrl-C measured nothing: it is not recorded and runs again on resume.
    if (aborted) break;
    const cpuMs = Math.round(processCpuMs() - cpu0);
    sinks.record({ ...record, cpuMs, ...(phase ? { phase: phase.name } : {}) });
    done++;
    sinks.emit({ type: 'trial', scenario: record.scenario, trial: planned.trial, mitigation: record.mitigation, goVersion: record.goVersion, rep: record.rep, outcome: record.outcome, failureClass: record.failureClass, durationMs: record.durationMs, wallMs: record.wallMs });
  }
  return done;
}
