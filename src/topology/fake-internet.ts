import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { clientFiles, type ClientFiles, type ResolvOptions } from '../client/traps.ts';
import { parseGosumdb } from '../client/toolchain.ts';
import { windowOf, TrialClock } from '../faults/window.ts';
import type { Site } from '../origin/goproxy-site.ts';
import { corpusSite } from '../project/site.ts';
import { createRandom } from '../random.ts';
import type { LayeredFaults } from '../faults/catalog.ts';
import { Wan } from '../wan/toxiproxy.ts';
import { locateRelay } from '../firewall/relay.ts';
import { WanFaults } from '../wan/wan-faults.ts';
import { ADDRESSES } from './addresses.ts';
import { HOST_ROLES, startHost, wanPort, type CorporateProxyOptions, type HostLogs, type NetworkPlan, type PublicHost, type TrialHost } from './hosts.ts';
import { Ipv6Blackhole } from './ipv6-blackhole.ts';
import { startGoFloor, tapAddresses, type GoFloor } from './bench-taps.ts';
import { forkFirewall } from './firewall-process.ts';

export type { CorporateProxyOptions, NetworkPlan, PublicHost } from './hosts.ts';

export interface FakeInternetOptions extends Omit<NetworkPlan, 'addresses'> {
  toxiproxyBinary: string;
  /** Files of the run (CA, logs) that vanish with the sandbox. */
  workDir: string;
  /** The firewall in its own process (firewall-process.ts) rather than on the main thread. */
  firewallProcess?: boolean;
}

/** Real programs a run adds to the network (see components/set.ts): wired into the client, logged per trial. */
export interface NetworkAttachment {
  clientEnv(): Record<string, string>;
  /** The client's nameserver instead of the fake resolver, when one of them is the resolver. */
  nameserver(): string | undefined;
  /** A component wired in one cell only (mitigation `component`): its variables and nameserver. */
  cellWiring(name: string): { env: Record<string, string>; nameserver?: string };
  beginTrial(): Promise<void>;
  /** A phase begins: `reset` says whether each of its trials starts from fresh programs. */
  enterPhase(phase: { reset: 'each-trial' | 'none' }): void;
  logs(): Promise<Record<string, { log: string[] }>>;
  stop(): Promise<void>;
}

/** How the hosts of a fake internet were reached: started here, or already running elsewhere. */
interface Wiring {
  plan: NetworkPlan;
  hosts: TrialHost[];
  wan: Wan;
  /** Only where the backend can drop IPv6 (netns). */
  ipv6Blackhole?: Ipv6Blackhole;
  workDir: string;
}

/**
 * The whole fake internet of a run: DNS -> SNI firewall -> one Toxiproxy link per hostname ->
 * origin, plus a corporate CONNECT proxy, all with certificates from the run's own CA. Each
 * trial's faults are handed to the host of their layer, wherever it runs.
 */
export class FakeInternet {
  readonly caFile: string;
  readonly caPem: string;
  readonly inspectionCaFile: string;
  readonly clock = new TrialClock();
  /** When the trial clock last started, as epoch ms: the zero of the trial's trace. */
  clockStartedEpochMs: number | undefined;
  readonly hosts: readonly PublicHost[];
  readonly corporateProxy: CorporateProxyOptions | undefined;
  readonly plan: NetworkPlan;
  /** The corpus as a module proxy serves it (mirrors and local caching proxies serve the same). */
  corpusSite!: Site;
  /** GOSUMDB for the client: the database's name with the run's verifier key, and its URL if the default named one. */
  private gosumdb: string | undefined;
  private readonly trialHosts: TrialHost[] = [];
  private wan: Wan | undefined;
  /** The WAN's faults of the trial, on the component contract (Toxiproxy applies them). */
  private wanFaults: WanFaults | undefined;
  private ipv6Blackhole: Ipv6Blackhole | undefined;
  private goFloor: GoFloor | undefined;
  private trialTimers: NodeJS.Timeout[] = [];
  private trial: LayeredFaults | undefined;
  private attachment: NetworkAttachment | undefined;

  private constructor(plan: NetworkPlan, workDir: string) {
    this.plan = plan;
    this.caFile = join(workDir, 'harness-ca.pem');
    this.caPem = plan.pki.caCertPem;
    this.inspectionCaFile = join(workDir, 'inspection-ca.pem');
    this.hosts = plan.hosts;
    this.corporateProxy = plan.corporateProxy;
  }

  /** netns: every host in this process, on the sandbox's loopback, sharing one trial clock. */
  static async start(options: FakeInternetOptions): Promise<FakeInternet> {
    const { toxiproxyBinary, workDir, firewallProcess: ownProcess, ...rest } = options;
    // the WAN is Toxiproxy's server inside the firewall's Go relay when there is one (relay.ts), else toxiproxy-server
    const wanLog = join(workDir, 'toxiproxy.log');
    const plan: NetworkPlan = { ...rest, addresses: ADDRESSES, ...(locateRelay().path ? { wanInRelay: { logFile: wanLog } } : {}) };
    // the firewall's process loads its modules while the CA files and the corpus are prepared
    const firewallProcess = ownProcess ? forkFirewall() : undefined;
    const internet = FakeInternet.wire(plan, workDir, async (internet) => {
      await mkdir(workDir, { recursive: true });
      const wanOptions = { binary: toxiproxyBinary, apiHost: plan.addresses.wan, apiPort: plan.addresses.wanApiPort, logFile: wanLog };
      // Toxiproxy and the firewall (in its own process: it relays without waiting for this thread) boot while the origin starts
      const firewallStart = firewallProcess ? firewallProcess.start(plan) : startHost('firewall', plan, internet.clock);
      const wanStart = plan.wanInRelay ? firewallStart.then(() => Wan.answering(wanOptions)) : Wan.start(wanOptions);
      const background = Promise.allSettled([wanStart, firewallStart]);
      const origin = await startHost('origin', plan, internet.clock).catch((err: unknown) => err as Error);
      // whatever fails first, what did start is owned (and so stopped) by the internet
      const [wan, firewall] = await background;
      if (wan.status === 'fulfilled') internet.wan = wan.value;
      for (const host of [origin, firewall.status === 'fulfilled' ? firewall.value : undefined]) if (host && !(host instanceof Error)) internet.trialHosts.push(host);
      if (origin instanceof Error) throw origin;
      for (const failed of [wan, firewall]) if (failed.status === 'rejected') throw failed.reason;
      for (const role of HOST_ROLES.filter((r) => r !== 'origin' && r !== 'firewall')) internet.trialHosts.push(await startHost(role, plan, internet.clock));
      internet.ipv6Blackhole = new Ipv6Blackhole(plan.addresses.httpsPort);
      internet.goFloor = await startGoFloor(plan.benchTaps, plan, workDir);
    });
    // a fake internet that did not start has stopped its hosts; the process may not have become one
    return internet.catch(async (err: unknown) => {
      await firewallProcess?.kill();
      throw err;
    });
  }

  /** docker: the hosts already run in their containers; the WAN's Toxiproxy answers at its address. */
  static async connect(plan: NetworkPlan, hosts: TrialHost[], workDir: string): Promise<FakeInternet> {
    return FakeInternet.wire(plan, workDir, async (internet) => {
      internet.trialHosts.push(...hosts);
      internet.wan = Wan.connect(plan.addresses.wan, plan.addresses.wanApiPort);
    });
  }

  private static async wire(plan: NetworkPlan, workDir: string, startHosts: (internet: FakeInternet) => Promise<void>): Promise<FakeInternet> {
    const internet = new FakeInternet(plan, workDir);
    try {
      await mkdir(workDir, { recursive: true });
      await writeFile(internet.caFile, plan.pki.caCertPem);
      await writeFile(internet.inspectionCaFile, plan.pki.inspectionCaCertPem + plan.pki.caCertPem);
      internet.corpusSite = await corpusSite(plan.corpus);
      await startHosts(internet);
      const a = plan.addresses;
      internet.wanFaults = new WanFaults(internet.wan!);
      await internet.wan!.addLinks(plan.hosts.map((h) => ({ name: h.name, listen: `${a.wan}:${wanPort(plan, h.name)}`, upstream: `${h.role === 'vcs' ? a.vcs : a.origin}:${a.httpsPort}` })));
      if (plan.benchTaps) await internet.wan!.addTaps(tapAddresses(a, plan.benchTaps.wanPort), `${a.origin}:${a.httpsPort}`);
      const sumdb = parseGosumdb(plan.defaultGosumdb ?? '');
      const verifierKey = await internet.trialHosts.find((h) => h.role === 'origin')?.verifierKey?.();
      if (sumdb && verifierKey) internet.gosumdb = sumdb.url ? `${verifierKey} ${sumdb.url}` : verifierKey;
      return internet;
    } catch (err) {
      await internet.stop();
      throw err;
    }
  }

  /** The run's real programs join the network: the client is wired to them from the next trial on. */
  attach(attachment: NetworkAttachment): void {
    this.attachment = attachment;
  }

  /** From the next trial on, the run's real programs behave as this phase says. */
  enterPhase(phase: { reset: 'each-trial' | 'none' }): void {
    this.attachment?.enterPhase(phase);
  }

  /** The client's resolv.conf and hosts for a trial, traps and mitigation options applied (a cell's own nameserver first). */
  clientFiles(resolvOptions?: ResolvOptions, cellNameserver?: string): ClientFiles {
    const nameserver = cellNameserver ?? this.attachment?.nameserver();
    return clientFiles(this.trial?.client ?? [], resolvOptions, nameserver ? { ...this.plan.addresses, resolver: nameserver } : this.plan.addresses);
  }

  /**
   * Environment every client of this fake internet starts from (a mitigation's own variables go
   * on top): GOSUMDB with the run's checksum database key — what the real toolchain has compiled
   * in for the Go project's database — and the corporate proxy when the client uses one.
   */
  clientEnv(): Record<string, string> {
    return { ...(this.gosumdb ? { GOSUMDB: this.gosumdb } : {}), ...this.networkEnv() };
  }

  /** Environment a client on this network has: the corporate proxy, when it is configured to use one. */
  networkEnv(): Record<string, string> {
    return { ...(this.corporateProxy?.clientUsesProxy ? this.corporateProxyEnv() : {}), ...this.attachment?.clientEnv() };
  }

  /** How a component of the run that is wired in one cell only joins the client (mitigation `component`). */
  componentWiring(name: string): { env: Record<string, string>; nameserver?: string } {
    if (!this.attachment) throw new Error(`component ${name}: this run has no components`);
    return this.attachment.cellWiring(name);
  }

  /** HTTPS_PROXY / HTTP_PROXY for the corporate proxy (when the scenario has one). */
  corporateProxyEnv(): Record<string, string> {
    if (!this.corporateProxy) return {};
    const url = `http://${this.plan.addresses.corporateProxy}:${this.plan.addresses.corporateProxyPort}`;
    return { HTTPS_PROXY: url, HTTP_PROXY: url };
  }

  /**
   * Hands each fault to its layer before `go` starts. Faults of the WAN (Toxiproxy) and the IPv6
   * path are put in place now when they start at once, and on timers from startClock() otherwise.
   */
  async beginTrial(faults: LayeredFaults, seed: number): Promise<void> {
    this.trial = faults;
    if (this.attachment) {
      await this.attachment.beginTrial();
      // a restarted program's readiness check (a DNS query, a request) is not the trial's traffic
      await Promise.all(this.trialHosts.map((h) => h.end()));
    }
    const random = createRandom(seed);
    // in order: hosts of this process share one random stream
    for (const host of this.trialHosts) await host.begin(faults, random, seed);
    await this.wanFaults!.setFaults(faults.wan);
    const aaaa = faults.dns.find((f) => f.kind === 'dns-aaaa-nowhere');
    if (aaaa && windowOf(aaaa).fromMs === 0) await this.ipv6Blackhole?.enable();
  }

  /** `go` starts now: the trial clock starts and timed faults are scheduled from here. */
  async startClock(): Promise<void> {
    await Promise.all(this.trialHosts.map((h) => h.startClock()));
    const now = performance.now();
    this.clock.start(now);
    this.clockStartedEpochMs = performance.timeOrigin + now;
    const faults = this.trial;
    if (!faults) return;
    const at = (ms: number, action: () => Promise<unknown>) => {
      if (ms === Infinity) return;
      this.trialTimers.push(setTimeout(() => void action().catch(() => {}), ms));
    };
    this.wanFaults!.startClock();
    const aaaa = faults.dns.find((f) => f.kind === 'dns-aaaa-nowhere');
    const blackhole = this.ipv6Blackhole;
    if (aaaa && blackhole) {
      const window = windowOf(aaaa);
      if (window.fromMs > 0) at(window.fromMs, () => blackhole.enable());
      at(window.untilMs, () => blackhole.disable());
    }
  }

  /** What the hosts logged since the trial began. */
  async hostLogs(): Promise<HostLogs> {
    const logs: HostLogs = Object.assign({}, ...(await Promise.all(this.trialHosts.map((h) => h.logs()))));
    // a WAN fault acts on every connection through its link: the connections the firewall forwarded to a matching host
    const forwarded = (logs.firewall ?? []).flatMap((c) => (c.action === 'forwarded' && c.sni !== undefined ? [c.sni] : []));
    if (this.trial?.wan.length) logs.wanActed = this.wanFaults!.faultsActed(forwarded);
    return logs;
  }

  /** The lines the run's real programs (scenario `components`) logged since the trial began. */
  async componentLogs(): Promise<Record<string, { log: string[] }> | undefined> {
    return this.attachment ? await this.attachment.logs() : undefined;
  }

  /** Back to a clean network: no fault, no timer, Toxiproxy reset, empty logs. */
  async endTrial(): Promise<void> {
    this.clock.stop();
    this.clockStartedEpochMs = undefined;
    for (const timer of this.trialTimers) clearTimeout(timer);
    this.wanFaults?.stopTimers();
    this.trialTimers = [];
    this.trial = undefined;
    await this.ipv6Blackhole?.disable().catch(() => {});
    // the logs start empty again, so a long run's memory stays flat
    await Promise.all([...this.trialHosts.map((h) => h.end()), this.wanFaults!.clearFaults()]);
  }

  async stop(): Promise<void> {
    for (const timer of this.trialTimers) clearTimeout(timer);
    this.wanFaults?.stopTimers();
    await this.ipv6Blackhole?.disable().catch(() => {});
    await this.attachment?.stop();
    await Promise.allSettled([...this.trialHosts.reverse().map((h) => h.stop()), this.wan?.stop(), this.goFloor?.stop()]);
  }
}
