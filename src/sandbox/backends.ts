import type { Backend } from './backend.ts';
import type { SandboxBackend } from './sandbox-backend.ts';
import { netnsBackend } from './netns.ts';

let docker: SandboxBackend | undefined;

/**
 * The docker backend, loaded by its preflight (which every run calls before it starts a
 * sandbox): testcontainers and the engine clients cost every netns run and every other command
 * ~0.4 s of CPU at start.
 */
const lazyDockerBackend: SandboxBackend = {
  async preflight(scenarios) {
    docker ??= (await import('./docker/sandbox.ts')).dockerBackend;
    return docker.preflight(scenarios);
  },
  start(run, onEvent) {
    if (!docker) throw new Error('the docker backend was started before its preflight');
    return docker.start(run, onEvent);
  },
};

/** Every backend by its --backend name. */
export const SANDBOX_BACKENDS: Readonly<Record<Backend, SandboxBackend>> = { netns: netnsBackend, docker: lazyDockerBackend };
