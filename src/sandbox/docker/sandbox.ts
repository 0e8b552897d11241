import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { GenericContainer, Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import type { ContainerRuntimeClient } from 'testcontainers';
import { HarnessError, errorMessage } from '../../errors.ts';
import { cacheDir } from '../../paths.ts';
import { containerAddresses, type TopologyAddresses } from '../../topology/addresses.ts';
import { CONTAINER_ROLES, type ContainerRole } from '../../topology/hosts.ts';
import type { SandboxExit, SandboxHandle } from '../backend.ts';
import type { DockerClientConfig, SandboxEvent, SandboxRunConfig } from '../run-config.ts';
import { ensureCorpusRepos } from '../../vcs/repos.ts';
import type { SandboxBackend } from '../sandbox-backend.ts';
import { CLIENT_CONFIG, CLIENT_SCRATCH, ClientContainer, createRunNetwork, dockerEngine, IMAGE_GO, LABELS, sweepLeftovers } from './backend.ts';
import { agentEntry, ensureImages, imageSource, type RunImages } from './images.ts';
import { AGENT_READY, EVENT_PREFIX } from './protocol.ts';

interface DockerSandboxOptions {
  /** GOROOT of the run's first toolchain (baked into the client image). */
  goroot: string;
  goVersion: string;
  log: (line: string) => void;
}

/** Where the hosts answer: their addresses on the run's network, by role. */
interface StartedHosts {
  addresses: TopologyAddresses;
  control: Record<ContainerRole, string>;
}

let sandboxCount = 0;
/** Image builds of the lanes of one run, one after another (the first builds, the others find them). */
let imagesReady: Promise<unknown> = Promise.resolve();

/**
 * The run on the docker backend: images (built when their inputs changed), an internal network,
 * one container per host, and the client container that runs the trials. Everything carries the
 * run's labels and is removed when the run ends, however it ends.
 */
class DockerSandbox implements SandboxHandle {
  readonly pid = undefined;
  readonly exited: Promise<SandboxExit>;
  private readonly spawnedAt = performance.now();
  // one per sandbox: lanes of one run start several at once
  private readonly runId = `gomod-chaos-${process.pid}-${Date.now().toString(36)}-${++sandboxCount}`;
  private readonly labels: Record<string, string>;
  private readonly started: StartedTestContainer[] = [];
  private readonly diagnostics: string[] = [];
  private network: StartedNetwork | undefined;
  private client: ContainerRuntimeClient | undefined;
  private clientContainer: StartedTestContainer | undefined;
  private lifeline: NodeJS.ReadWriteStream | undefined;
  private stopRequested = false;
  private killed = false;
  private readonly config: SandboxRunConfig;
  private readonly options: DockerSandboxOptions;
  private readonly onEvent: (event: SandboxEvent) => void;

  constructor(config: SandboxRunConfig, options: DockerSandboxOptions, onEvent: (event: SandboxEvent) => void) {
    this.config = config;
    this.options = options;
    this.onEvent = onEvent;
    this.labels = { [LABELS.run]: this.runId, [LABELS.pid]: String(process.pid), [LABELS.host]: hostname() };
    // testcontainers unreferences its sockets: this keeps the harness alive until the run is cleaned up
    const keepAlive = setInterval(() => {}, 60_000);
    this.exited = this.run()
      .catch((err: unknown): SandboxExit => {
        onEvent({ type: 'error', message: errorMessage(err), code: err instanceof HarnessError ? err.code : 'INTERNAL' });
        return { code: 2, signal: null, stderrTail: this.diagnostics.join('\n') };
      })
      .then(async (exit) => {
        this.lifeline?.end();
        await this.removeAll();
        clearInterval(keepAlive);
        return exit;
      });
  }

  requestStop(): void {
    void this.stop();
  }

  /** The client's events are relayed only once its lifeline is attached (startClient), so it is there. */
  admit(trial: number): void {
    this.lifeline?.write(`admit ${trial}\n`);
  }

  kill(): void {
    this.killed = true;
    void this.removeAll();
  }

  private async run(): Promise<SandboxExit> {
    // built while the images are checked (the first time a corpus is used; cached after)
    const repos = this.codeHostRepos();
    const { client, images } = await this.prepare();
    if (this.halted()) return this.stoppedEarly();
    this.network = await createRunNetwork(client, this.runId, this.labels);
    const hosts = await this.startHosts(images, this.network, await repos);
    if (this.halted()) return this.stoppedEarly();
    const container = await this.startClient(client, images, this.network, hosts);
    await this.relayEvents(container);
    const { StatusCode } = (await client.container.dockerode.getContainer(container.getId()).wait()) as { StatusCode: number };
    return { code: StatusCode, signal: null, stderrTail: this.diagnostics.join('\n') };
  }

  /** The engine, the leftovers of killed runs swept, the images ready. */
  private async prepare(): Promise<{ client: ContainerRuntimeClient; images: RunImages }> {
    const client = (this.client = await dockerEngine());
    const swept = await sweepLeftovers(client);
    if (swept.containers || swept.networks) this.options.log(`removed ${swept.containers} container(s) and ${swept.networks} network(s) left by killed runs`);
    const { goroot, goVersion } = this.options;
    const build = imagesReady.catch(() => {}).then(() => ensureImages({ goroot, goVersion, toxiproxyBinary: this.config.toxiproxyBinary, source: imageSource() }, this.options.log));
    imagesReady = build;
    return { client, images: await build };
  }

  /**
   * The WAN and one container per host role; every start is awaited, failed or not, so nothing is
   * still being created when cleanup runs. The code host runs the client image: it has git.
   */
  private async startHosts(images: RunImages, network: StartedNetwork, repos: string | undefined): Promise<StartedHosts> {
    const container = (role: string) =>
      new GenericContainer(role === 'vcs' ? images.client : images.component).withNetwork(network).withLabels({ ...this.labels, 'gomod-chaos.role': role }).withName(`${this.runId}-${role}`).withStartupTimeout(60_000);
    const track = (c: StartedTestContainer) => (this.started.push(c), c);
    const starts = await Promise.allSettled([
      container('wan').withEntrypoint(['/usr/local/bin/toxiproxy-server', '-host', '0.0.0.0', '-port', '8474']).withWaitStrategy(Wait.forLogMessage(/Starting HTTP server on endpoint/)).start().then(track),
      ...CONTAINER_ROLES.map((role) => {
        let c = container(role).withEntrypoint(['node', agentEntry(), 'host']).withWaitStrategy(Wait.forLogMessage(AGENT_READY));
        if (role === 'origin') c = c.withCopyDirectoriesToContainer(this.corpusDirs());
        if (role === 'vcs') c = this.withCodeHostRepos(c, repos);
        return c.start().then(track);
      }),
    ]);
    const failed = starts.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw new HarnessError('COMPONENT_START', `backend docker: a host container did not start: ${errorMessage(failed.reason)}`);
    const ip = (r: PromiseSettledResult<StartedTestContainer>) => (r as PromiseFulfilledResult<StartedTestContainer>).value.getIpAddress(network.getName());
    const [wan, ...hosts] = starts;
    const control = Object.fromEntries(CONTAINER_ROLES.map((role, i) => [role, ip(hosts[i]!)])) as Record<ContainerRole, string>;
    const addresses = containerAddresses({ dns: control.dns, dnsDead: control['dns-dead'], firewall: control.firewall, wan: ip(wan!), origin: control.origin, proxy: control.proxy, vcs: control.vcs });
    return { addresses, control };
  }

  /**
   * The code host's repositories, built from the corpus into the harness cache as on netns (the
   * same cache: a corpus's repositories are built once for both backends), or undefined when
   * they cannot be built here (no git): the code host then tries in its container.
   */
  private async codeHostRepos(): Promise<string | undefined> {
    try {
      return (await ensureCorpusRepos(this.config.corpus, join(cacheDir(), 'vcs'))).root;
    } catch (err) {
      this.options.log(`code host: its repositories are built in its container (${errorMessage(err)})`);
      return undefined;
    }
  }

  /** The code host finds the harness's cache at the same path in its container: it uses those repositories instead of building its own. */
  private withCodeHostRepos(container: GenericContainer, repos: string | undefined): GenericContainer {
    const c = container.withCopyDirectoriesToContainer(this.corpusDirs());
    return repos ? c.withCopyDirectoriesToContainer([{ source: repos, target: repos }]).withEnvironment({ GOMOD_CHAOS_CACHE: cacheDir() }) : c;
  }

  private corpusDirs(): Array<{ source: string; target: string }> {
    return [this.config.corpus.proxyDir, this.config.corpus.workloadDir].map((dir) => ({ source: dir, target: dir }));
  }

  /** The image's go for the first version; other toolchains copied in at their own paths. */
  private clientToolchains(): { toolchains: Record<string, string>; roots: Array<{ source: string; target: string }> } {
    const toolchains: Record<string, string> = {};
    const roots: Array<{ source: string; target: string }> = [];
    for (const [version, binary] of Object.entries(this.config.toolchains)) {
      if (version === this.options.goVersion) toolchains[version] = IMAGE_GO;
      else {
        const root = dirname(dirname(binary));
        toolchains[version] = join(root, 'bin', 'go');
        roots.push({ source: root, target: root });
      }
    }
    return { toolchains, roots };
  }

  /** The client container, with its lifeline: its stdin, held open until this process ends. */
  private async startClient(client: ContainerRuntimeClient, images: RunImages, network: StartedNetwork, hosts: StartedHosts): Promise<StartedTestContainer> {
    const { toolchains, roots } = this.clientToolchains();
    const clientConfig: DockerClientConfig = { ...this.config, toolchains, scratchDir: join(CLIENT_SCRATCH, 'run'), addresses: hosts.addresses, control: hosts.control };
    const container = await new ClientContainer(images.client)
      .withHarnessStdin()
      .withNetwork(network)
      .withLabels({ ...this.labels, 'gomod-chaos.role': 'client' })
      .withName(`${this.runId}-client`)
      .withStartupTimeout(60_000)
      .withEntrypoint(['node', agentEntry(), 'client', CLIENT_CONFIG])
      .withCopyContentToContainer([{ content: JSON.stringify(clientConfig), target: CLIENT_CONFIG }])
      .withCopyDirectoriesToContainer([...this.corpusDirs(), ...roots])
      .withTmpFs({ [CLIENT_SCRATCH]: 'rw,exec,mode=1777' })
      .withWaitStrategy(Wait.forLogMessage(EVENT_PREFIX))
      .start();
    this.clientContainer = container;
    this.started.push(container);
    const stdin = (await client.container.dockerode.getContainer(container.getId()).attach({ stream: true, stdin: true, hijack: true })) as NodeJS.ReadWriteStream;
    stdin.on('error', () => {});
    this.lifeline = stdin;
    if (this.stopRequested) await this.stop();
    return container;
  }

  /** The client's events (records included: the harness writes them), until its output ends. */
  private async relayEvents(container: StartedTestContainer): Promise<void> {
    const logs = await container.logs();
    await new Promise<void>((resolve) => {
      const lines = createInterface({ input: logs });
      lines.on('line', (line) => this.onClientLine(line));
      lines.once('close', resolve);
      logs.once('end', resolve);
      logs.once('error', () => resolve());
    });
  }

  private onClientLine(line: string): void {
    if (!line.startsWith(EVENT_PREFIX)) {
      this.note(line);
      process.stderr.write(`[client] ${line}\n`);
      return;
    }
    let event: SandboxEvent;
    try {
      event = JSON.parse(line.slice(EVENT_PREFIX.length)) as SandboxEvent;
    } catch {
      return;
    }
    if (event.type === 'ready') event.sinceSpawnMs = performance.now() - this.spawnedAt;
    this.onEvent(event);
  }

  private note(line: string): void {
    this.diagnostics.push(line);
    if (this.diagnostics.length > 20) this.diagnostics.shift();
  }

  private halted(): boolean {
    return this.killed || this.stopRequested;
  }

  /** Asked to stop before any trial ran: nothing measured, nothing to wait for. */
  private stoppedEarly(): SandboxExit {
    this.onEvent({ type: 'done', trials: 0, interrupted: true });
    return { code: this.killed ? null : 130, signal: this.killed ? 'SIGKILL' : null, stderrTail: '' };
  }

  private async stop(): Promise<void> {
    this.stopRequested = true;
    if (!this.clientContainer || !this.client) return;
    this.lifeline?.write('stop\n');
    await this.client.container.dockerode.getContainer(this.clientContainer.getId()).kill({ signal: 'SIGTERM' }).catch(() => {});
  }

  private async removeAll(): Promise<void> {
    const docker = this.client?.container.dockerode;
    if (!docker) return;
    const network = this.network;
    await Promise.allSettled(this.started.map((c) => docker.getContainer(c.getId()).remove({ force: true, v: true })));
    if (network) await docker.getNetwork(network.getId()).remove().catch(() => {});
    // a container still being created when we were told to stop: the labels find it
    const late = await docker.listContainers({ all: true, filters: { label: [`${LABELS.run}=${this.runId}`] } }).catch(() => []);
    await Promise.allSettled(late.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
    if (late.length && network) await docker.getNetwork(network.getId()).remove().catch(() => {});
  }
}

/** Docker containers on an internal network: needs an engine and an image source; IPv4 only. */
export const dockerBackend: SandboxBackend = {
  async preflight(scenarios) {
    // what the backend cannot run is refused whether or not an engine answers
    for (const s of scenarios) {
      if (s.components.length) throw new HarnessError('BAD_INPUT', `${s.name}: components (${s.components.map((c) => c.name).join(', ')}) run only on --backend netns for now (the docker backend has no image for them yet)`);
      const v6 = s.faults.find((f) => f.kind === 'dns-aaaa-nowhere');
      if (v6) throw new HarnessError('BAD_INPUT', `${s.name}: fault dns-aaaa-nowhere needs IPv6 between the hosts, which only --backend netns has (the docker backend's internal network is IPv4 only)`);
    }
    imageSource();
    await dockerEngine();
  },
  start: ({ config, go, log }, onEvent) => new DockerSandbox(config, { goroot: dirname(dirname(go.binary)), goVersion: go.version, log }, onEvent),
};
