import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { GenericContainer, getContainerRuntimeClient, ImageName, StartedNetwork } from 'testcontainers';
import type { ContainerRuntimeClient } from 'testcontainers';
import { Agent, request } from 'undici';
import { HarnessError, errorMessage } from '../../errors.ts';
import { processAlive } from '../scratch.ts';

/**
 * The client container keeps its stdin open to the harness (as the netns sandbox does): when the
 * harness dies, even by SIGKILL, the engine closes it and the client stops its trials.
 */
export class ClientContainer extends GenericContainer {
  withHarnessStdin(): this {
    this.createOpts.OpenStdin = true;
    this.createOpts.StdinOnce = true;
    return this;
  }
}

/** Every container and network of a run carries these: the run, and the harness process that owns it. */
export const LABELS = Object.freeze({ run: 'gomod-chaos.run', pid: 'gomod-chaos.pid', host: 'gomod-chaos.host' });

const RYUK_IMAGE = 'testcontainers/ryuk:0.14.0';
export const CLIENT_CONFIG = '/run/gomod-chaos/config.json';
export const CLIENT_SCRATCH = '/scratch';
/** The Go toolchain baked into the client image. */
export const IMAGE_GO = '/usr/local/go/bin/go';

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
export async function sweepLeftovers(client: ContainerRuntimeClient, options: { all?: boolean } = {}): Promise<{ containers: number; networks: number }> {
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
export async function createRunNetwork(client: ContainerRuntimeClient, name: string, labels: Record<string, string>): Promise<StartedNetwork> {
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
