import type { SandboxHandle } from './backend.ts';
import type { SandboxEvent, SandboxRunConfig } from './run-config.ts';

/** What a backend needs to start one scenario's sandbox. */
interface SandboxStart {
  config: SandboxRunConfig;
  /** The run's first toolchain (the docker backend bakes its GOROOT into the client image). */
  go: { binary: string; version: string };
  /** Progress lines of a long start (image builds). */
  log: (line: string) => void;
}

/**
 * Where the hosts of a run live (netns.ts, docker/backend.ts). `preflight` checks, before any
 * sandbox starts, what this backend needs and refuses what it cannot run, each as one clear error.
 */
export interface SandboxBackend {
  preflight(scenarios: ReadonlyArray<{ name: string; faults: ReadonlyArray<{ kind: string }>; components: ReadonlyArray<{ name: string }> }>): Promise<void>;
  start(run: SandboxStart, onEvent: (event: SandboxEvent) => void): SandboxHandle;
}
