import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../errors.ts';
import type { SandboxExit, SandboxHandle } from './backend.ts';
import type { SandboxBackend } from './sandbox-backend.ts';
import type { SandboxEvent, SandboxRunConfig } from './run-config.ts';

export type NamespaceMode = 'root' | 'rootless';

/** Plain root needs no user namespace; everyone else maps themselves to root inside one. */
export function namespaceMode(): NamespaceMode {
  return process.getuid?.() === 0 ? 'root' : 'rootless';
}

/**
 * `unshare` arguments for the run's sandbox: new network, mount and pid namespaces (plus a user
 * namespace when rootless), /proc of its own. setpriv --pdeathsig makes unshare die with the
 * harness even on SIGKILL, and --kill-child takes the sandbox's pid 1 with it; when pid 1 dies
 * the kernel kills the rest of the namespace and releases its network and mounts.
 */
function sandboxArgv(mode: NamespaceMode, command: readonly string[]): string[] {
  return [
    '--pdeathsig', 'KILL', '--',
    'unshare',
    ...(mode === 'rootless' ? ['--user', '--map-root-user'] : []),
    '--net', '--mount', '--pid', '--fork', '--kill-child=SIGKILL', '--mount-proc',
    '--',
    ...command,
  ];
}

export interface NamespaceProbe {
  ok: boolean;
  mode: NamespaceMode;
  detail: string;
}

/** Tries the exact namespaces a run needs and brings loopback up inside them. */
export function probeNamespaces(): NamespaceProbe {
  const mode = namespaceMode();
  const result = spawnSync('setpriv', sandboxArgv(mode, ['sh', '-c', 'ip link set lo up && mount -t tmpfs probe /mnt && echo ok']), { encoding: 'utf8', timeout: 10_000 });
  const ok = result.status === 0 && result.stdout.trim() === 'ok';
  const detail = ok
    ? `${mode === 'root' ? 'root' : 'rootless (user namespace)'}: net+mount+pid namespaces, loopback up`
    : (result.error?.message ?? result.stderr.trim().split('\n').pop() ?? `exit ${result.status}`);
  return { ok, mode, detail };
}

function innerEntry(): string {
  const self = fileURLToPath(import.meta.url);
  return join(self, '..', self.endsWith('.ts') ? 'inner.ts' : 'inner.js');
}

/** Starts the run inside a fresh sandbox. Events arrive as the sandbox reports them. */
function startSandbox(config: SandboxRunConfig, onEvent: (event: SandboxEvent) => void): SandboxHandle {
  const configFile = join(config.scratchDir, 'run-config.json');
  writeFileSync(configFile, JSON.stringify(config));
  const spawnedAt = performance.now();
  const child: ChildProcess = spawn('setpriv', sandboxArgv(namespaceMode(), [process.execPath, innerEntry(), configFile]), {
    // Own process group: a Ctrl-C reaches the harness only, which then asks for a clean stop.
    detached: true,
    stdio: ['pipe', 'inherit', 'pipe', 'pipe'],
    env: process.env,
  });
  const stderrLines: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderrLines.push(line);
    if (stderrLines.length > 20) stderrLines.shift();
    process.stderr.write(`[sandbox] ${line}\n`);
  });
  const control = child.stdio[3] as NodeJS.ReadableStream;
  createInterface({ input: control }).on('line', (line) => {
    try {
      const event = JSON.parse(line) as SandboxEvent;
      if (event.type === 'ready') event.sinceSpawnMs = performance.now() - spawnedAt;
      onEvent(event);
    } catch {
      // not an event
    }
  });
  child.stdin!.on('error', () => {});
  const exited = new Promise<SandboxExit>((resolve) => {
    child.once('error', (err) => resolve({ code: null, signal: null, stderrTail: err.message }));
    child.once('close', (code, signal) => resolve({ code, signal, stderrTail: stderrLines.join('\n') }));
  });
  return {
    pid: child.pid,
    requestStop: () => child.stdin!.write('stop\n'),
    admit: (trial) => child.stdin!.write(`admit ${trial}\n`),
    kill: () => child.kill('SIGKILL'),
    exited,
  };
}

/** This machine's namespaces: the run needs to be able to create them. */
export const netnsBackend: SandboxBackend = {
  async preflight() {
    const sandbox = probeNamespaces();
    if (!sandbox.ok) {
      throw new HarnessError('SANDBOX_UNAVAILABLE', `cannot create the run's namespaces (${sandbox.detail}): run as root, or enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1); see npx gomod-chaos doctor`);
    }
  },
  start: ({ config }, onEvent) => startSandbox(config, onEvent),
};
