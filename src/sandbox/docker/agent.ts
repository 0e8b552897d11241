/**
 * The process of every container of the docker backend.
 *
 *   agent.ts host           one host of the fake internet (DNS, firewall, origin, proxy), started
 *                           and driven over its control port by the client container
 *   agent.ts client <file>  the client host: starts the others, runs every trial with the real
 *                           go, and reports events and records on stdout
 *
 * The host and the client run the same component and trial code as the netns sandbox.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HarnessError, errorMessage } from '../../errors.ts';
import { TrialClock } from '../../faults/window.ts';
import { createRandom } from '../../random.ts';
import type { LayeredFaults } from '../../faults/catalog.ts';
import { FakeInternet } from '../../topology/fake-internet.ts';
import { CONTAINER_ROLES, startHost, type HostRole, type NetworkPlan, type TrialHost } from '../../topology/hosts.ts';
import type { DockerClientConfig, SandboxEvent } from '../run-config.ts';
import { runTrialLoop } from '../trial-loop.ts';
import { AdmissionGate, readHarnessLines } from '../admission-gate.ts';
import { AGENT_READY, CONTROL_PORT, EVENT_PREFIX, RemoteHost } from './protocol.ts';

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
}

/** A host's control port: POST /start /begin /clock /end, GET /logs /verifier-key. */
async function serveHost(): Promise<void> {
  const clock = new TrialClock();
  let host: TrialHost | undefined;
  const need = () => {
    if (!host) throw new Error('no host started yet (POST /start first)');
    return host;
  };
  const routes: Record<string, (input: any) => Promise<unknown>> = {
    'POST /start': async ({ role, plan }: { role: HostRole; plan: NetworkPlan }) => {
      if (host) throw new Error(`this container already runs ${host.role}`);
      host = await startHost(role, plan, clock);
      return { role };
    },
    'POST /begin': async ({ faults, seed }: { faults: LayeredFaults; seed: number }) => need().begin(faults, createRandom(seed), seed),
    'POST /clock': async () => clock.start(),
    'POST /end': async () => {
      clock.stop();
      await need().end();
    },
    'GET /logs': async () => need().logs(),
    'GET /verifier-key': async () => ({ key: (await need().verifierKey?.()) ?? null }),
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const route = routes[`${req.method} ${req.url}`];
    const reply = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value ?? null));
    };
    if (!route) return reply(404, { error: `no route ${req.method} ${req.url}` });
    body(req)
      .then((input) => route(input))
      .then((value) => reply(200, value ?? null), (err: unknown) => reply(500, { error: errorMessage(err) }));
  });
  await new Promise<void>((resolve) => server.listen(CONTROL_PORT, '0.0.0.0', resolve));
  const stop = () => {
    server.close();
    void Promise.resolve(host?.stop()).finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`${AGENT_READY}\n`);
}

function emit(event: SandboxEvent): void {
  process.stdout.write(EVENT_PREFIX + JSON.stringify(event) + '\n');
}

/** The client host: starts the other hosts, then the trial loop shared with netns. */
async function runClient(configFile: string): Promise<number> {
  const t0 = performance.now();
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as DockerClientConfig;
  const abort = new AbortController();
  let interrupted = false;
  const stop = () => {
    interrupted = true;
    abort.abort();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // stdin is held open by the harness: "stop" asks for a clean stop, "admit" starts a trial, EOF means it died
  const gate = new AdmissionGate(emit);
  readHarnessLines(process.stdin, { stop, gate });

  const plan: NetworkPlan = {
    addresses: config.addresses,
    hosts: config.hosts,
    pki: config.pki,
    corpus: config.corpus,
    corporateProxy: config.corporateProxy,
    defaultGosumdb: config.defaultGosumdb,
  };
  const hosts = CONTAINER_ROLES.map((role) => new RemoteHost(role, config.control[role]));
  const componentsStart = performance.now();
  await Promise.all(hosts.map((h) => h.start(plan)));
  await mkdir(config.scratchDir, { recursive: true });
  const internet = await FakeInternet.connect(plan, hosts, join(config.scratchDir, 'components'));
  emit({ type: 'ready', readyMs: performance.now() - t0, componentsMs: performance.now() - componentsStart });
  let done = 0;
  try {
    done = await runTrialLoop(config, internet, 'docker', abort.signal, { record: (record) => emit({ type: 'record', record }), emit, gate });
  } finally {
    await internet.stop();
  }
  emit({ type: 'done', trials: done, interrupted });
  return interrupted ? 130 : 0;
}

const [mode, file] = process.argv.slice(2);
if (mode === 'host') {
  serveHost().catch((err: unknown) => {
    process.stderr.write(`agent: ${errorMessage(err)}\n`);
    process.exit(1);
  });
} else if (mode === 'client' && file) {
  runClient(file).then(
    (code) => process.exit(code),
    (err: unknown) => {
      emit({ type: 'error', message: errorMessage(err), code: err instanceof HarnessError ? err.code : 'INTERNAL' });
      process.exit(err instanceof HarnessError ? 2 : 1);
    },
  );
} else if (mode !== undefined) {
  process.stderr.write(`agent: usage: agent.ts host | agent.ts client <config.json> (got ${process.argv.slice(2).join(' ')})\n`);
  process.exit(2);
}
