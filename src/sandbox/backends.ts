import type { Backend } from './backend.ts';
import type { SandboxBackend } from './sandbox-backend.ts';
import { dockerBackend } from './docker/sandbox.ts';
import { netnsBackend } from './netns.ts';

/** Every backend by its --backend name. */
export const SANDBOX_BACKENDS: Readonly<Record<Backend, SandboxBackend>> = { netns: netnsBackend, docker: dockerBackend };
