import type { Corpus } from '../corpus/generate.ts';
import type { Mitigation } from '../mitigations/catalog.ts';
import type { Fault } from '../scenario/faults.ts';
import type { CorporateProxyOptions, PublicHost, RunPki } from '../topology/fake-internet.ts';

/** Everything the process inside the sandbox needs, decided and validated outside it. */
export interface SandboxRunConfig {
  scenario: string;
  corpus: Corpus;
  mitigations: Mitigation[];
  faults: Fault[];
  corporateProxy: CorporateProxyOptions | undefined;
  reps: number;
  timeoutMs: number;
  seed: number;
  hosts: PublicHost[];
  pki: RunPki;
  goBinary: string;
  goVersion: string;
  /** The toolchain's default GOPROXY, for mitigations that rewrite or front it. */
  defaultGoproxy: string;
  toxiproxyBinary: string;
  resultsFile: string;
  /** Trials already in results.jsonl (by their position in the order): skipped on resume. */
  skipTrials: number[];
  /** Directory the sandbox mounts a tmpfs on: trial state and component files live there. */
  scratchDir: string;
}

/** Messages from the sandbox to the harness (JSON lines on fd 3). */
export type SandboxEvent =
  | { type: 'ready'; readyMs: number; componentsMs: number; /** Set by the harness: from spawning the sandbox to this event. */ sinceSpawnMs?: number }
  | { type: 'trial'; trial: number; total: number; mitigation: string; rep: number; outcome: string; failureClass: string | null; durationMs: number; wallMs: number }
  | { type: 'done'; trials: number; interrupted: boolean }
  | { type: 'error'; message: string; code: string };
