/**
 * The run's process inside the sandbox (pid 1 of its pid namespace). It owns every component;
 * when it exits, the kernel kills whatever is left in the namespace and tears the network and
 * mounts down with it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError, errorMessage } from '../errors.ts';
import { startComponents } from '../components/start.ts';
import { FakeInternet } from '../topology/fake-internet.ts';
import { benchTapsFromEnv } from '../topology/bench-taps.ts';
import { FIREWALL_PROCESS_MIN_TRIALS } from '../topology/firewall-process.ts';
import type { SandboxEvent, SandboxRunConfig } from './run-config.ts';
import { runTrialLoop } from './trial-loop.ts';
import { AdmissionGate, readHarnessLines } from './admission-gate.ts';

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
  // The harness writes "stop" to ask for a clean stop, or admits the next trial; EOF means it died: stop as well.
  const gate = new AdmissionGate(emit);
  readHarnessLines(process.stdin, { stop, gate });
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
    edge: config.components?.find((c) => c.role === 'sni-gateway')?.address,
    benchTaps: benchTapsFromEnv(),
    firewallProcess: config.trials.length >= FIREWALL_PROCESS_MIN_TRIALS,
  });
  if (config.components?.length) internet.attach(await startComponents(config, internet));
  emit({ type: 'ready', readyMs: performance.now() - t0, componentsMs: performance.now() - componentsStart });

  let done = 0;
  try {
    // the harness alone writes results.jsonl: each record travels to it as an event
    done = await runTrialLoop(config, internet, 'netns', abort.signal, { record: (record) => emit({ type: 'record', record }), emit, gate });
  } finally {
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
