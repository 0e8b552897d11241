import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { GenericContainer, getContainerRuntimeClient, ImageName, StartedNetwork, Wait, type StartedTestContainer } from 'testcontainers';
import type { ContainerRuntimeClient } from 'testcontainers';
import { Agent, request } from 'undici';
import { HarnessError, errorMessage } from '../../errors.ts';
import { ResultsWriter } from '../../runner/record.ts';
import { containerAddresses } from '../../topology/addresses.ts';
import { HOST_ROLES, type HostRole } from '../../topology/hosts.ts';
import type { SandboxExit, SandboxHandle } from '../backend.ts';
import { processAlive } from '../scratch.ts';
import type { DockerClientConfig, SandboxEvent, SandboxRunConfig } from '../run-config.ts';
import { agentEntry, ensureImages, imageSource } from './images.ts';
import { AGENT_READY, EVENT_PREFIX } from './protocol.ts';

/**
 * The client container keeps its stdin open to the harness (as the netns sandbox does): when the
 * harness dies, even by SIGKILL, the engine closes it and the client stops its trials.
 */
class ClientContainer extends GenericContainer {
  withHarnessStdin(): this {
    this.createOpts.OpenStdin = true;
    this.createOpts.StdinOnce = true;
    return this;
  }
}

/** Every container and network of a run carries these: the run, and the harness process that owns it. */
export const LABELS = Object.freeze({ run: 'gomod-chaos.run', pid: 'gomod-chaos.pid', host: 'gomod-chaos.host' });

const RYUK_IMAGE = 'testcontainers/ryuk:0.14.0';
const CLIENT_CONFIG = '/run/gomod-chaos/config.json';
const CLIENT_SCRATCH = '/scratch';
/** The Go toolchain baked into the client image. */
const IMAGE_GO = '/usr/local/go/bin/go';

const START_ENGINE = 'start one (Linux: `dockerd &` as root, or `systemctl start docker`; macOS/Windows: Docker Desktop) or use --backend netns';

/** GET /_ping on the engine DOCKER_HOST names: undefined when it answers OK, else why not. */
async function pingEngine(dockerHost: string): Promise<string | undefined> {
  let origin = dockerHost;
  let socketPath: string | undefined;
  if (dockerHost.startsWith('unix://')) {
    socketPath = dockerHost.slice('unix://'.length);
    origin = 'http://localhost';
  } else if (dockerHost.startsWith('tcp://')) origin = `http://${dockerHost.slice('tcp://'.length)}`;
  else return undefined; // ssh://, npipe:// ...: testcontainers knows them
  const dispatcher = new Agent({ connect: { ...(socketPath ? { socketPath } : {}), timeout: 5_000 } });
  try {
    const res = await request(`${origin}/_ping`, { dispatcher, headersTimeout: 5_000, bodyTimeout: 5_000 });
    const text = (await res.body.text()).trim().slice(0, 200);
    return res.statusCode === 200 ? undefined : `the engine at DOCKER_HOST=${dockerHost} refused: HTTP ${res.statusCode} ${text}`;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const why = code === 'EACCES' ? 'permission denied (are you in the docker group?)' : `${code || errorMessage(err)}`;
    return `no Docker engine answers at DOCKER_HOST=${dockerHost}: ${why}`;
  } finally {
    await dispatcher.close();
  }
}

/** The engine testcontainers finds (DOCKER_HOST, the default socket, ...), or one clear line. */
export async function dockerEngine(): Promise<ContainerRuntimeClient> {
  const dockerHost = process.env['DOCKER_HOST'];
  // an engine the user named is the one to use: no falling back to another socket
  const refused = dockerHost ? await pingEngine(dockerHost) : undefined;
  if (refused) throw new HarnessError('DOCKER', `backend docker: ${refused}; ${START_ENGINE}`);
  let client: ContainerRuntimeClient;
  try {
    client = await getContainerRuntimeClient();
  } catch (err) {
    const socket = '/var/run/docker.sock';
    const why = existsSync(socket) ? ((await pingEngine(`unix://${socket}`)) ?? errorMessage(err).split('\n')[0]) : `no engine: ${socket} does not exist`;
    throw new HarnessError('DOCKER', `backend docker: ${why}; ${START_ENGINE}`);
  }
  // testcontainers' reaper (Ryuk) is an image from a registry: without it, our own labels and cleanup do its work
  if (process.env['TESTCONTAINERS_RYUK_DISABLED'] === undefined && !(await client.image.exists(ImageName.fromString(RYUK_IMAGE)).catch(() => false))) {
    process.env['TESTCONTAINERS_RYUK_DISABLED'] = 'true';
  }
  return client;
}

/**
 * Removes the containers and networks of runs whose harness is gone (killed with SIGKILL, say):
 * those labelled by this machine with a pid that no longer runs. `all` removes every run's.
 */
async function sweepLeftovers(client: ContainerRuntimeClient, options: { all?: boolean } = {}): Promise<{ containers: number; networks: number }> {
  const docker = client.container.dockerode;
  const orphaned = (labels: Record<string, string> | undefined) => {
    if (!labels?.[LABELS.run]) return false;
    if (options.all) return true;
    return labels[LABELS.host] === hostname() && !processAlive(Number(labels[LABELS.pid]));
  };
  const containers = (await docker.listContainers({ all: true, filters: { label: [LABELS.run] } })).filter((c) => orphaned(c.Labels));
  await Promise.allSettled(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  const networks = (await docker.listNetworks({ filters: { label: [LABELS.run] } })).filter((n) => orphaned(n.Labels));
  await Promise.allSettled(networks.map((n) => docker.getNetwork(n.Id).remove()));
  return { containers: containers.length, networks: networks.length };
}

/** An internal network (no route off the machine) on a free /24 of 198.18.0.0/15. */
async function createRunNetwork(client: ContainerRuntimeClient, name: string, labels: Record<string, string>): Promise<StartedNetwork> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 8; attempt++) {
    const subnet = `198.${18 + Math.floor(Math.random() * 2)}.${Math.floor(Math.random() * 256)}.0/24`;
    try {
      const network = await client.network.create({ Name: name, Driver: 'bridge', Internal: true, CheckDuplicate: true, EnableIPv6: false, IPAM: { Driver: 'default', Config: [{ Subnet: subnet }] }, Labels: labels });
      return new StartedNetwork(client, name, network);
    } catch (err) {
      lastError = err;
      if (!/overlap|in use|conflict/i.test(errorMessage(err))) break;
    }
  }
  throw new HarnessError('DOCKER', `backend docker: could not create the run's internal network in 198.18.0.0/15: ${errorMessage(lastError)}`);
}

export interface DockerSandboxOptions {
  /** GOROOT of the run's first toolchain (baked into the client image). */
  goroot: string;
  goVersion: string;
  log: (line: string) => void;
}

/**
 * Starts the run on the docker backend: images (built when their inputs changed), an internal
 * network, one container per host, and the client container that runs the trials. Everything
 * carries the run's labels and is removed when the run ends, however it ends.
 */
export function startDockerSandbox(config: SandboxRunConfig, options: DockerSandboxOptions, onEvent: (event: SandboxEvent) => void): SandboxHandle {
  const spawnedAt = performance.now();
  const runId = `gomod-chaos-${process.pid}-${Date.now().toString(36)}`;
  const labels = { [LABELS.run]: runId, [LABELS.pid]: String(process.pid), [LABELS.host]: hostname() };
  const started: StartedTestContainer[] = [];
  let network: StartedNetwork | undefined;
  let client: ContainerRuntimeClient | undefined;
  let clientContainer: StartedTestContainer | undefined;
  let stopRequested = false;
  let killed = false;
  let lifeline: NodeJS.ReadWriteStream | undefined;
  const diagnostics: string[] = [];
  const note = (line: string) => {
    diagnostics.push(line);
    if (diagnostics.length > 20) diagnostics.shift();
  };

  const removeAll = async () => {
    const docker = client?.container.dockerode;
    if (!docker) return;
    await Promise.allSettled(started.map((c) => docker.getContainer(c.getId()).remove({ force: true, v: true })));
    if (network) await docker.getNetwork(network.getId()).remove().catch(() => {});
    // a container still being created when we were told to stop: the labels find it
    const late = await docker.listContainers({ all: true, filters: { label: [`${LABELS.run}=${runId}`] } }).catch(() => []);
    await Promise.allSettled(late.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
    if (late.length && network) await docker.getNetwork(network.getId()).remove().catch(() => {});
  };

  // asked to stop before any trial ran: nothing measured, nothing to wait for
  const stoppedEarly = (): SandboxExit => {
    onEvent({ type: 'done', trials: 0, interrupted: true });
    return { code: killed ? null : 130, signal: killed ? 'SIGKILL' : null, stderrTail: '' };
  };

  const run = async (): Promise<SandboxExit> => {
    client = await dockerEngine();
    const swept = await sweepLeftovers(client);
    if (swept.containers || swept.networks) options.log(`removed ${swept.containers} container(s) and ${swept.networks} network(s) left by killed runs`);
    const images = await ensureImages({ goroot: options.goroot, goVersion: options.goVersion, toxiproxyBinary: config.toxiproxyBinary, source: imageSource() }, options.log);
    if (killed || stopRequested) return stoppedEarly();
    network = await createRunNetwork(client, runId, labels);
    const corpusDirs = [config.corpus.proxyDir, config.corpus.workloadDir].map((dir) => ({ source: dir, target: dir }));
    const container = (role: string) =>
      new GenericContainer(images.component).withNetwork(network!).withLabels({ ...labels, 'gomod-chaos.role': role }).withName(`${runId}-${role}`).withStartupTimeout(60_000);
    // every start is awaited, failed or not, so nothing is still being created when cleanup runs
    const starts = await Promise.allSettled([
      container('wan').withEntrypoint(['/usr/local/bin/toxiproxy-server', '-host', '0.0.0.0', '-port', '8474']).withWaitStrategy(Wait.forLogMessage(/Starting HTTP server on endpoint/)).start().then((c) => (started.push(c), c)),
      ...HOST_ROLES.map((role) => {
        let c = container(role).withEntrypoint(['node', agentEntry(), 'host']).withWaitStrategy(Wait.forLogMessage(AGENT_READY));
        if (role === 'origin') c = c.withCopyDirectoriesToContainer(corpusDirs);
        return c.start().then((s) => (started.push(s), s));
      }),
    ]);
    const failed = starts.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw new HarnessError('COMPONENT_START', `backend docker: a host container did not start: ${errorMessage(failed.reason)}`);
    const hostContainers = starts.map((r) => (r as PromiseFulfilledResult<StartedTestContainer>).value);
    if (killed || stopRequested) return stoppedEarly();
    const ip = (c: StartedTestContainer) => c.getIpAddress(network!.getName());
    const [wan, ...hosts] = hostContainers;
    const byRole = Object.fromEntries(HOST_ROLES.map((role, i) => [role, ip(hosts[i]!)])) as Record<HostRole, string>;
    const addresses = containerAddresses({ dns: byRole.dns, dnsDead: byRole['dns-dead'], firewall: byRole.firewall, wan: ip(wan!), origin: byRole.origin, proxy: byRole.proxy });

    // toolchains: the image's go for the first version, others copied in at their own paths
    const toolchains: Record<string, string> = {};
    const extraRoots: Array<{ source: string; target: string }> = [];
    for (const [version, binary] of Object.entries(config.toolchains)) {
      if (version === options.goVersion) toolchains[version] = IMAGE_GO;
      else {
        const root = dirname(dirname(binary));
        toolchains[version] = join(root, 'bin', 'go');
        extraRoots.push({ source: root, target: root });
      }
    }
    const clientConfig: DockerClientConfig = { ...config, toolchains, scratchDir: join(CLIENT_SCRATCH, 'run'), resultsFile: '', addresses, control: byRole };
    clientContainer = await new ClientContainer(images.client)
      .withHarnessStdin()
      .withNetwork(network)
      .withLabels({ ...labels, 'gomod-chaos.role': 'client' })
      .withName(`${runId}-client`)
      .withStartupTimeout(60_000)
      .withEntrypoint(['node', agentEntry(), 'client', CLIENT_CONFIG])
      .withCopyContentToContainer([{ content: JSON.stringify(clientConfig), target: CLIENT_CONFIG }])
      .withCopyDirectoriesToContainer([...corpusDirs, ...extraRoots])
      .withTmpFs({ [CLIENT_SCRATCH]: 'rw,exec,mode=1777' })
      .withWaitStrategy(Wait.forLogMessage(EVENT_PREFIX))
      .start();
    started.push(clientContainer);
    // the lifeline: held open until this process ends (its socket closes with it)
    const stdin = (await client.container.dockerode.getContainer(clientContainer.getId()).attach({ stream: true, stdin: true, hijack: true })) as NodeJS.ReadWriteStream;
    stdin.on('error', () => {});
    lifeline = stdin;
    if (stopRequested) await requestStop();

    const writer = new ResultsWriter(config.resultsFile);
    try {
      const logs = await clientContainer.logs();
      await new Promise<void>((resolve) => {
        const lines = createInterface({ input: logs });
        lines.on('line', (line) => {
          if (!line.startsWith(EVENT_PREFIX)) {
            note(line);
            process.stderr.write(`[client] ${line}\n`);
            return;
          }
          let event: SandboxEvent;
          try {
            event = JSON.parse(line.slice(EVENT_PREFIX.length)) as SandboxEvent;
          } catch {
            return;
          }
          if (event.type === 'record') writer.append(event.record);
          else {
            if (event.type === 'ready') event.sinceSpawnMs = performance.now() - spawnedAt;
            onEvent(event);
          }
        });
        lines.once('close', resolve);
        logs.once('end', resolve);
        logs.once('error', () => resolve());
      });
    } finally {
      writer.close();
    }
    const { StatusCode } = (await client.container.dockerode.getContainer(clientContainer.getId()).wait()) as { StatusCode: number };
    return { code: StatusCode, signal: null, stderrTail: diagnostics.join('\n') };
  };

  const requestStop = async () => {
    stopRequested = true;
    if (!clientContainer || !client) return;
    lifeline?.write('stop\n');
    await client.container.dockerode.getContainer(clientContainer.getId()).kill({ signal: 'SIGTERM' }).catch(() => {});
  };

  // testcontainers unreferences its sockets: this keeps the harness alive until the run is cleaned up
  const keepAlive = setInterval(() => {}, 60_000);
  const exited = run()
    .catch((err: unknown): SandboxExit => {
      onEvent({ type: 'error', message: errorMessage(err), code: err instanceof HarnessError ? err.code : 'INTERNAL' });
      return { code: 2, signal: null, stderrTail: diagnostics.join('\n') };
    })
    .then(async (exit) => {
      lifeline?.end();
      await removeAll();
      clearInterval(keepAlive);
      return exit;
    });

  return {
    pid: undefined,
    requestStop: () => void requestStop(),
    kill: () => {
      killed = true;
      void removeAll();
    },
    exited,
  };
}
