import { availableParallelism, freemem } from 'node:os';
import type { PlannedTrial } from './plan.ts';

/**
 * Lanes: up to N sandboxes at once, each its own fake internet (own namespaces or docker network,
 * own components, ports, scratch). A lane runs one unit at a time: a scenario's trials, or a
 * stride slice of them, always in the plan's order. `--parallel 1` is one lane that takes the
 * scenarios one after another: the serial run exactly.
 */

/**
 * Fault kinds whose trials mostly wait, for seconds (timeouts, stalls, a slow link, latency on
 * every round trip): the client sleeps on a timer or a socket and the CPU is idle, so such trials
 * can share the machine without their times moving. Every other scenario is CPU-bound: the clean
 * path, fast failures, and short waits (a 300 ms DNS delay, happy eyeballs, a flaky resolver),
 * whose sub-second trials are mostly go's own work and the harness's hops. bench:parallel showed
 * those short trials 2-4x slower at 6 lanes when they counted as waiting (aaaa-nowhere, slow-dns,
 * servfail-flapping, proxy-denies-checksum-db, 2 ABBA rounds at the same machine load).
 */
const WAITING_FAULTS: ReadonlySet<string> = new Set(['dns-drop', 'resolv-conf', 'http-stall', 'tcp-bandwidth', 'tcp-latency']);

/** A fault that holds every answer back at least this long (http-status with a delay...) waits too. */
const WAITING_DELAY_MS = 1_000;

/** A module count from which a corpus is large: its download and hashing keep a core busy. */
const LARGE_CORPUS_MODULES = 50;

/** Each lane's sandbox (Node inside, Toxiproxy, go's processes) stays well within this. */
const LANE_MEMORY_BYTES = 512 * 2 ** 20;

/**
 * Lanes per core of the automatic choice. A waiting-heavy trial keeps far less than a core busy
 * (bench:parallel prints the run's CPU seconds per wall second); the CPU-bound trials never overlap
 * each other (runner/admission.ts), so three lanes per core leave room for them.
 */
const LANES_PER_CORE = 3;
const MAX_LANES = 8;

/** Fewer trials than this are not worth a sandbox of their own. */
const MIN_TRIALS_PER_UNIT = 4;

export type LaneKind = 'waiting' | 'cpu';

export interface LaneScenario {
  name: string;
  faults: ReadonlyArray<{ kind: string; delay?: unknown }>;
  phases: readonly unknown[];
  workload: unknown;
  corpus?: { modules?: number } | undefined;
  project?: string | undefined;
}

export interface LaneUnit<S extends LaneScenario> {
  scenario: S;
  trials: PlannedTrial[];
  kind: LaneKind;
  /** run --against, trial by trial in one sandbox: the base scenario whose faults its trials use. */
  perTrial?: S | undefined;
}

export interface LaneChoice {
  parallel: number;
  chosen: 'flag' | 'auto';
  reason: string;
  /** The CPU admission across lanes (runner/admission.ts), with more than one lane. */
  admission?: string;
}

/** Whether a scenario's trials mostly wait (they overlap freely) or keep a core busy. */
export function laneKind(s: LaneScenario): LaneKind {
  const compiles = s.workload === 'build' || s.workload === 'test' || s.workload === 'install' || typeof s.workload === 'function';
  const large = s.project !== undefined || (s.corpus?.modules ?? 0) >= LARGE_CORPUS_MODULES;
  if (compiles || large) return 'cpu';
  return s.faults.some((f) => WAITING_FAULTS.has(f.kind) || Number(f.delay) >= WAITING_DELAY_MS) ? 'waiting' : 'cpu';
}

/** The lane count: the flag's, or the machine's (cores x LANES_PER_CORE, within memory and MAX_LANES). */
export function chooseLanes(flag: number | undefined, backend: string, against = false): LaneChoice {
  if (against) return { parallel: 1, chosen: 'auto', reason: '--against: the base and candidate blocks alternate in one lane (their ABBA order is the control)' };
  if (flag !== undefined) return { parallel: flag, chosen: 'flag', reason: '--parallel' };
  if (backend === 'docker') return { parallel: 1, chosen: 'auto', reason: 'docker backend: one lane unless --parallel says more (a lane is a network and 8 containers)' };
  const cores = availableParallelism();
  const byMemory = Math.floor(freemem() / LANE_MEMORY_BYTES);
  const parallel = Math.max(1, Math.min(cores * LANES_PER_CORE, byMemory, MAX_LANES));
  return { parallel, chosen: 'auto', reason: `${cores} cores x ${LANES_PER_CORE} (trials mostly wait), memory for ${byMemory}, at most ${MAX_LANES}` };
}

/**
 * The run's units of work. One lane: each scenario whole, in the given order (the serial run).
 * More lanes: a waiting scenario without phases is cut into stride slices (every k-th trial of
 * its plan), one sandbox each, as a resume already runs a scenario's rest in a fresh sandbox.
 */
export function laneUnits<S extends LaneScenario>(scenarios: readonly S[], remaining: readonly PlannedTrial[], parallel: number): Array<LaneUnit<S>> {
  const units: Array<LaneUnit<S>> = [];
  for (const scenario of scenarios) {
    const trials = remaining.filter((t) => t.scenario === scenario.name);
    if (trials.length === 0) continue;
    const kind = laneKind(scenario);
    const slices = parallel === 1 || kind === 'cpu' || scenario.phases.length ? 1 : Math.max(1, Math.min(parallel, Math.floor(trials.length / MIN_TRIALS_PER_UNIT)));
    for (let k = 0; k < slices; k++) units.push({ scenario, trials: trials.filter((_, i) => i % slices === k), kind });
  }
  return units;
}

/**
 * Runs the units on `parallel` lanes (lane numbers from 1). A lane takes the first unit it may:
 * without per-trial admission (`admitted` false), a CPU-bound unit only while no other CPU-bound
 * unit runs, so they never overlap each other. With it (runner/admission.ts), the trials take
 * turns instead, and a CPU-bound unit's sandbox starts while another's trials run.
 * After a failure no new unit starts; the units in flight end, then the first failure is thrown.
 */
export async function runLanes<S extends LaneScenario>(units: ReadonlyArray<LaneUnit<S>>, parallel: number, run: (unit: LaneUnit<S>, lane: number) => Promise<void>, stopped: () => boolean, admitted = false): Promise<void> {
  const exclusive = (u: LaneUnit<S>) => u.kind === 'cpu' && !admitted;
  const queue = [...units];
  let cpuBusy = false;
  let failure: { error: unknown } | undefined;
  let waiters: Array<() => void> = [];
  const changed = () => {
    for (const wake of waiters) wake();
    waiters = [];
  };
  const lane = async (n: number): Promise<void> => {
    while (queue.length && !failure && !stopped()) {
      const index = queue.findIndex((u) => !exclusive(u) || !cpuBusy);
      if (index < 0) {
        await new Promise<void>((wake) => waiters.push(wake));
        continue;
      }
      const unit = queue.splice(index, 1)[0]!;
      if (exclusive(unit)) cpuBusy = true;
      try {
        await run(unit, n);
      } catch (error) {
        failure ??= { error };
      } finally {
        if (exclusive(unit)) cpuBusy = false;
        changed();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, units.length)) }, (_, i) => lane(i + 1)));
  if (failure) throw failure.error;
}
