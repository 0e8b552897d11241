import type { ComponentSpec, PhaseSpec } from '../components/schema.ts';
import type { Corpus } from '../corpus/generate.ts';
import type { Mitigation } from '../mitigations/catalog.ts';
import type { PlannedTrial } from '../runner/plan.ts';
import type { TracedRecord } from '../runner/record.ts';
import type { WorkloadRef } from '../workload/schema.ts';
import type { Fault } from '../faults/catalog.ts';
import type { TopologyAddresses } from '../topology/addresses.ts';
import type { RunPki } from '../tls/run-pki.ts';
import type { ContainerRole, CorporateProxyOptions, PublicHost } from '../topology/hosts.ts';

/** Everything the process inside the sandbox needs, decided and validated outside it. */
export interface SandboxRunConfig {
  scenario: string;
  corpus: Corpus;
  mitigations: Mitigation[];
  faults: Fault[];
  corporateProxy: CorporateProxyOptions | undefined;
  /** The trials to run, in this order (already shuffled, sharded and minus those done). */
  trials: PlannedTrial[];
  /** go binary by version. */
  toolchains: Record<string, string>;
  timeoutMs: number;
  seed: number;
  hosts: PublicHost[];
  pki: RunPki;
  /** The toolchain's default GOPROXY, for mitigations that rewrite or front it. */
  defaultGoproxy: string;
  /** The toolchain's default GOSUMDB: the name the run's checksum database is served under. */
  defaultGosumdb: string;
  toxiproxyBinary: string;
  /** What the client runs in each trial (default: download). */
  workload?: WorkloadRef;
  /**
   * A build cache shared by the trials of workloads that compile (and by later runs): compiling
   * is not the network, and a cold cache would add minutes of CPU (the standard library) to each.
   */
  buildCacheDir?: string;
  /** Directory the sandbox mounts a tmpfs on: trial state and component files live there. */
  scratchDir: string;
  /** Real programs of the scenario (netns only). */
  components?: ComponentSpec[];
  /** The scenario's phases; trials name theirs. */
  phases?: PhaseSpec[];
  /**
   * `run --against` when only the faults differ: the base's trials alternate with the candidate's
   * in this sandbox; a trial of this scenario runs with these faults and is recorded under its name.
   */
  otherScenario?: { name: string; faults: Fault[] };
  /**
   * Each trial waits for the harness's admission before it starts (runner/admission.ts): set when
   * the run has more than one lane; absent, the trials run back to back as in the serial run.
   */
  admission?: boolean;
}

/** The docker backend's client container: where each host's control port answers. */
export interface DockerClientConfig extends SandboxRunConfig {
  addresses: TopologyAddresses;
  /** The control port of each host's agent, by role. */
  control: Record<ContainerRole, string>;
}

/** Messages from the sandbox to the harness (JSON lines on fd 3; docker: on stdout, prefixed). */
export type SandboxEvent =
  | { type: 'ready'; readyMs: number; componentsMs: number; /** Set by the harness: from spawning the sandbox to this event. */ sinceSpawnMs?: number }
  | { type: 'trial'; scenario: string; trial: number; mitigation: string; goVersion: string; rep: number; outcome: string; failureClass: string | null; durationMs: number; wallMs: number }
  | { type: 'done'; trials: number; interrupted: boolean }
  /** The next trial asks to start (config.admission); the harness answers `admit <trial>` on stdin. */
  | { type: 'admit'; scenario: string; trial: number; mitigation: string; goVersion: string; phase?: string }
  /** A trial's record (with its spans): the harness alone appends it to results.jsonl (both backends). */
  | { type: 'record'; record: TracedRecord }
  | { type: 'error'; message: string; code: string };
