import type { CorpusOptions } from '../corpus/generate.ts';
import type { Duration } from '../duration.ts';
import type { MitigationInput } from '../mitigations/catalog.ts';
import type { Fault } from '../faults/catalog.ts';
import type { Workload } from '../workload/schema.ts';

/** What a scenario file exports: `export default defineScenario({...})`. */
export interface ScenarioDefinition {
  /** Short identifier used in reports (letters, digits, '-', '_'). */
  name: string;
  /** The real-world situation, the symptom expected on baseline. */
  description?: string;
  /** The synthetic module corpus the workload downloads. */
  corpus?: Partial<Omit<CorpusOptions, 'zipSizeKB'>> & { zipSizeKB?: Partial<CorpusOptions['zipSizeKB']> };
  /** What goes wrong, each at its own layer (see the README's fault catalog). */
  faults?: Fault[];
  /**
   * A corporate explicit proxy (HTTP CONNECT) the client is configured to use through
   * HTTPS_PROXY; when mandatory (the default) direct connections to the internet are reset.
   * `clientUsesProxy: false` models a proxy announced only by a PAC file (Go never reads PAC).
   */
  corporateProxy?: { mandatory?: boolean; clientUsesProxy?: boolean };
  /** Extra module proxies of the fake internet serving the corpus (e.g. 'goproxy.example'), for mirror-list. */
  mirrors?: string[];
  /**
   * Those of `mirrors` that also proxy the checksum database (answer /sumdb/<name>/supported with
   * 200 and forward the rest to it), for sumdb-via-proxy. The toolchain's default proxy always
   * does, as the Go project's public mirror does; other mirrors do not unless listed here.
   */
  sumdbMirrors?: string[];
  /**
   * Mitigations compared in this scenario; `baseline` is always included. Names, or objects with
   * parameters; a list of values expands into one cell each: `{ name: 'concurrency', gomaxprocs: [1, 8] }`.
   */
  mitigations?: MitigationInput[];
  /** Trials per mitigation. */
  reps?: number;
  /** Hard deadline per trial: `go` has no HTTP timeouts of its own. */
  timeout?: Duration;
  /** Seed of the trial order (and of any randomised fault). */
  seed?: number;
  /**
   * A real Go project (its go.mod folder, relative to this file) instead of the synthetic corpus:
   * its module graph is snapshotted once through your GOPROXY and served by the fake internet.
   */
  project?: string;
  /**
   * What the client runs: 'download' (go mod download, the default), 'build' (go build ./...),
   * 'test' (compile every test, run none), or a script
   * `async ({ $, project, env }) => { await $\`go vet ./...\` }` with zx's $ bound to the trial.
   */
  workload?: Workload;
}

/** Typed identity: gives editors completion for every field; validation happens at load. */
export function defineScenario(definition: ScenarioDefinition): ScenarioDefinition {
  return definition;
}
