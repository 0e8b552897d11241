import { parseGosumdb } from '../client/toolchain.ts';
import type { Corpus } from '../corpus/generate.ts';
import { FakeResolver, type DnsQueryLogEntry } from '../dns/server.ts';
import type { TrialClock } from '../faults/window.ts';
import { Firewall, type FirewallConnectionLogEntry } from '../firewall/server.ts';
import { emptySite, type Site } from '../origin/goproxy-site.ts';
import { corpusSite as siteOfCorpus } from '../project/site.ts';
import { Origin, type OriginHandshakeLogEntry, type OriginRequestLogEntry } from '../origin/server.ts';
import { ConnectProxy, type ProxyLogEntry } from '../proxy/connect-proxy.ts';
import type { Random } from '../random.ts';
import type { LayeredFaults } from '../faults/catalog.ts';
import { ChecksumDatabase, corpusEntries } from '../sumdb/database.ts';
import type { RunPki } from '../tls/run-pki.ts';
import type { VcsRequestLogEntry } from '../vcs/server.ts';
import { startCodeHost } from '../vcs/start.ts';
import { syntheticToolchain, withToolchain } from '../workload/toolchain.ts';
import type { TopologyAddresses } from './addresses.ts';
import { tapAddresses, type BenchTaps } from './bench-taps.ts';
import { firewallOptions } from './firewall-options.ts';

export { wanPort } from './firewall-options.ts';

export interface PublicHost {
  name: string;
  /** What the origin serves for this name. */
  role: 'goproxy' | 'sumdb' | 'vcs';
  /** A module proxy that also proxies the checksum database (/sumdb/<name>/supported answers 200). */
  proxiesSumdb?: boolean;
}

export interface CorporateProxyOptions {
  /** Direct connections to the internet are reset: only the proxy gets out (default true). */
  mandatory: boolean;
  /**
   * The client is configured to use it (HTTPS_PROXY). False models a proxy announced only by a
   * PAC file, which Go never reads (default true).
   */
  clientUsesProxy: boolean;
}

/** Everything a host of the fake internet needs to start: plain data, so it can cross into a container. */
export interface NetworkPlan {
  addresses: TopologyAddresses;
  hosts: readonly PublicHost[];
  pki: RunPki;
  corpus: Corpus;
  corporateProxy?: CorporateProxyOptions | undefined;
  /**
   * The toolchain's default GOSUMDB (from `go env` in a clean environment): the checksum database
   * is served under its name, with a key made for the run. Empty or "off": no database.
   */
  defaultGosumdb?: string | undefined;
  /** Where public names resolve when not at the firewall: a real SNI gateway in front of it (IPv4 only). */
  edge?: string | undefined;
  /** bench:harness only: one entrance per hop on the edge's addresses (see bench-taps.ts). */
  benchTaps?: BenchTaps | undefined;
  /** netns, when the Go relay is built: the WAN (Toxiproxy) is served by the firewall's relay, logging here. */
  wanInRelay?: { logFile: string } | undefined;
}

/** The hosts a trial drives, besides the WAN (Toxiproxy has its own API). */
export const HOST_ROLES = ['origin', 'firewall', 'dns', 'dns-dead', 'proxy', 'vcs'] as const;
export type HostRole = (typeof HOST_ROLES)[number];
/** The hosts the docker backend runs in containers: every one (the WAN's Toxiproxy has its own). */
export const CONTAINER_ROLES = ['origin', 'firewall', 'dns', 'dns-dead', 'proxy', 'vcs'] as const satisfies readonly HostRole[];
export type ContainerRole = (typeof CONTAINER_ROLES)[number];

/** What one host saw since the trial began. */
export interface HostLogs {
  dns?: DnsQueryLogEntry[];
  deadDns?: DnsQueryLogEntry[];
  firewall?: FirewallConnectionLogEntry[];
  handshakes?: OriginHandshakeLogEntry[];
  requests?: OriginRequestLogEntry[];
  /** The origin's clock when the logs were taken (for requests still in flight). */
  originNow?: number;
  proxy?: ProxyLogEntry[];
  /** The code host's requests: go's `?go-get=1` discovery and git's smart HTTP. */
  vcs?: VcsRequestLogEntry[];
  /** Per fault label, how many times it acted this trial: one map per component (they merge by field). */
  dnsActed?: Record<string, number>;
  firewallActed?: Record<string, number>;
  originActed?: Record<string, number>;
  proxyActed?: Record<string, number>;
  /**
   * Each log's zero (where its atMs counts from) as epoch ms, so the trace can put every host's
   * entries on one timeline (docker: each host is its own process, in its own container).
   */
  dnsZeroMs?: number;
  deadDnsZeroMs?: number;
  firewallZeroMs?: number;
  originZeroMs?: number;
  proxyZeroMs?: number;
  vcsZeroMs?: number;
  /** WAN faults: the connections the firewall forwarded to a matching host went through the faulted link (FakeInternet adds it). */
  wanActed?: Record<string, number>;
}

/**
 * One host as the trial loop drives it: in this process (netns) or behind its container's
 * control port (docker, see sandbox/docker/agent.ts). Both run the same component code.
 */
export interface TrialHost {
  readonly role: HostRole;
  /** Hands the host its layer's faults; `seed` is for hosts that draw their own random numbers. */
  begin(faults: LayeredFaults, random: Random, seed: number): Promise<void>;
  /** `go` starts now (hosts sharing the harness's own clock have nothing to do). */
  startClock(): Promise<void>;
  logs(): Promise<HostLogs>;
  /** No fault, empty logs: the clean state the next trial starts from. */
  end(): Promise<void>;
  /** The checksum database's verifier key (origin only). */
  verifierKey?(): Promise<string | undefined>;
  stop(): Promise<void>;
}

/** A log zero taken with performance.now() in this process, as epoch ms. */
function epochMs(performanceMs: number): number {
  return performance.timeOrigin + performanceMs;
}

/**
 * What a host collected in this trial: what its component logged, drained into the host, so the
 * trial can read it more than once; the next trial starts it empty.
 */
function trialLog<T>(drain: () => T[]): { read(): T[]; reset(): void } {
  let seen: T[] = [];
  return {
    read: () => (seen = [...seen, ...drain()]),
    reset: () => {
      drain();
      seen = [];
    },
  };
}

type HostFactory = (role: HostRole, plan: NetworkPlan, clock: TrialClock) => Promise<TrialHost>;

const noClock = { startClock: async () => {} };

/** The component contract every in-process host drives. */
interface Component<L> {
  clearFaults(): void;
  drainLog(): L[];
  stop(): Promise<void>;
}

/** A host around one component: `begin` hands it its layer's faults, `logsOf` names its log. */
function componentHost<L>(role: HostRole, component: Component<L>, begin: TrialHost['begin'], logsOf: (seen: L[]) => HostLogs): TrialHost {
  const log = trialLog(() => component.drainLog());
  return {
    role,
    ...noClock,
    begin,
    logs: async () => logsOf(log.read()),
    end: async () => {
      component.clearFaults();
      log.reset();
    },
    stop: () => component.stop(),
  };
}

async function startDns(role: HostRole, plan: NetworkPlan, clock: TrialClock): Promise<TrialHost> {
  const a = plan.addresses;
  const dead = role === 'dns-dead';
  const zone = new Map(plan.hosts.map((h) => [h.name, plan.edge ? { a: [plan.edge], aaaa: [] } : { a: [a.firewall], aaaa: a.firewallV6 ? [a.firewallV6] : [] }]));
  const resolver = new FakeResolver({ address: dead ? a.deadResolver : a.resolver, port: a.dnsPort, ttlSec: 300, zone, clock, ...(dead ? { silent: true } : {}) });
  await resolver.start();
  const begin: TrialHost['begin'] = async (faults, random) => {
    if (!dead) resolver.setFaults(faults.dns, random);
  };
  return componentHost(role, resolver, begin, (queries) =>
    dead ? { deadDns: queries, deadDnsZeroMs: epochMs(resolver.startedAt) } : { dns: queries, dnsActed: resolver.policy.acted.snapshot(), dnsZeroMs: epochMs(resolver.startedAt) },
  );
}

async function startFirewall(role: HostRole, plan: NetworkPlan, clock: TrialClock): Promise<TrialHost> {
  const firewall = new Firewall(firewallOptions(plan, clock));
  await firewall.start();
  const host = componentHost(role, firewall, async (faults) => firewall.setFaults(faults.firewall), (connections) => ({
    firewall: connections,
    firewallActed: firewall.rules.acted.snapshot(),
    firewallZeroMs: epochMs(firewall.startedAt),
  }));
  // the Go relay's open connections: their bytes so far, as node's pipes would have counted them
  const logs = async () => {
    await firewall.settle();
    return host.logs();
  };
  return { ...host, logs };
}

async function startOrigin(role: HostRole, plan: NetworkPlan, clock: TrialClock): Promise<TrialHost> {
  // the module proxies also serve a small golang.org/toolchain module (the toolchain workload)
  const toolchain = syntheticToolchain();
  const corpusSite = withToolchain(await siteOfCorpus(plan.corpus), toolchain);
  const sumdb = parseGosumdb(plan.defaultGosumdb ?? '');
  const database = sumdb ? new ChecksumDatabase({ name: sumdb.name, entries: [...corpusEntries(plan.corpus.modules), toolchain.entry], clock }) : undefined;
  const siteFor = (host: PublicHost): Site => {
    if (host.role === 'goproxy') return database && host.proxiesSumdb ? database.proxying(corpusSite) : corpusSite;
    if (host.role === 'sumdb' && database) return database.site;
    return emptySite;
  };
  const origin = new Origin({
    address: plan.addresses.origin,
    port: plan.addresses.httpsPort,
    hosts: plan.hosts.map((h) => {
      const certificate = plan.pki.hostCertificates[h.name];
      if (!certificate) throw new Error(`no certificate for ${h.name}`);
      return { name: h.name, certificate, site: siteFor(h) };
    }),
    clock,
    ...(plan.benchTaps ? { alsoListen: tapAddresses(plan.addresses, plan.benchTaps.originPort) } : {}),
  });
  await origin.start();
  const drains = trialLog(() => [origin.drainLog()]);
  return {
    role,
    ...noClock,
    begin: async (faults, random) => {
      origin.setFaults(faults.origin, random);
      database?.setFaults(faults.sumdb);
    },
    // requests still in flight update their entries: copies are taken at each read
    logs: async () => {
      const seen = drains.read();
      return { handshakes: seen.flatMap((d) => d.handshakes), requests: seen.flatMap((d) => d.requests).map((r) => ({ ...r })), originNow: origin.now(), originActed: origin.faults.acted.snapshot(), originZeroMs: epochMs(origin.startedAt) };
    },
    end: async () => {
      origin.clearFaults();
      database?.clearFaults();
      drains.reset();
    },
    verifierKey: async () => database?.verifierKey,
    stop: () => origin.stop(),
  };
}

async function startProxy(role: HostRole, plan: NetworkPlan, clock: TrialClock): Promise<TrialHost> {
  const a = plan.addresses;
  const proxy = new ConnectProxy({ address: a.corporateProxy, port: a.corporateProxyPort, resolver: { address: a.resolver, port: a.dnsPort }, sourceAddress: a.corporateProxy, clock });
  await proxy.start();
  return componentHost(role, proxy, async (faults) => proxy.setFaults(faults.proxy), (tunnels) => ({ proxy: tunnels, proxyActed: proxy.faultsActed(), proxyZeroMs: epochMs(proxy.startedAt) }));
}

async function startVcs(role: HostRole, plan: NetworkPlan): Promise<TrialHost> {
  const host = await startCodeHost(plan);
  return componentHost(role, host, async () => {}, (requests) => ({ vcs: requests.map((r) => ({ ...r })), vcsZeroMs: epochMs(host.startedAt) }));
}

/** Each role's host, as it starts in this process (the docker agent starts the same ones). */
const HOST_FACTORIES: Record<HostRole, HostFactory> = { origin: startOrigin, firewall: startFirewall, dns: startDns, 'dns-dead': startDns, proxy: startProxy, vcs: startVcs };

/** Starts one host in this process; its faults are timed by `clock`. */
export function startHost(role: HostRole, plan: NetworkPlan, clock: TrialClock): Promise<TrialHost> {
  return HOST_FACTORIES[role](role, plan, clock);
}
