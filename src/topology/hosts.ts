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
import type { TopologyAddresses } from './addresses.ts';

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
}

/** The hosts a trial drives, besides the WAN (Toxiproxy has its own API). */
export const HOST_ROLES = ['origin', 'firewall', 'dns', 'dns-dead', 'proxy'] as const;
export type HostRole = (typeof HOST_ROLES)[number];

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
  /** Per fault label, how many times it acted this trial: one map per component (they merge by field). */
  dnsActed?: Record<string, number>;
  firewallActed?: Record<string, number>;
  originActed?: Record<string, number>;
  proxyActed?: Record<string, number>;
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

/** WAN link (Toxiproxy listener port) of each public host, in the plan's order. */
export function wanPort(plan: NetworkPlan, name: string): number {
  return plan.addresses.wanFirstPort + plan.hosts.findIndex((h) => h.name === name);
}

/** Starts one host in this process; its faults are timed by `clock`. */
export async function startHost(role: HostRole, plan: NetworkPlan, clock: TrialClock): Promise<TrialHost> {
  const a = plan.addresses;
  const zone = () => new Map(plan.hosts.map((h) => [h.name, { a: [a.firewall], aaaa: a.firewallV6 ? [a.firewallV6] : [] }]));
  const base = { role, startClock: async () => {}, stop: async () => {} };
  switch (role) {
    case 'dns':
    case 'dns-dead': {
      const dead = role === 'dns-dead';
      const resolver = new FakeResolver({ address: dead ? a.deadResolver : a.resolver, port: a.dnsPort, ttlSec: 300, zone: zone(), clock, ...(dead ? { silent: true } : {}) });
      await resolver.start();
      return {
        ...base,
        begin: async (faults, random) => {
          if (!dead) resolver.policy.setFaults(faults.dns, random);
        },
        logs: async () => (dead ? { deadDns: [...resolver.log] } : { dns: [...resolver.log], dnsActed: resolver.policy.acted.snapshot() }),
        end: async () => {
          resolver.policy.clear();
          resolver.log.length = 0;
        },
        stop: () => resolver.stop(),
      };
    }
    case 'firewall': {
      const firewall = new Firewall({
        listen: [{ host: a.firewall, port: a.httpsPort }, ...(a.firewallV6 ? [{ host: a.firewallV6, port: a.httpsPort }] : [])],
        routes: new Map(plan.hosts.map((h) => [h.name, { host: a.wan, port: wanPort(plan, h.name) }])),
        harnessCaPem: plan.pki.caCertPem,
        inspectionCertificates: plan.pki.inspectionCertificates,
        ...(plan.corporateProxy?.mandatory ? { onlyFrom: a.corporateProxy } : {}),
        clock,
      });
      await firewall.start();
      return {
        ...base,
        begin: async (faults) => firewall.rules.setFaults(faults.firewall),
        logs: async () => ({ firewall: [...firewall.connections], firewallActed: firewall.rules.acted.snapshot() }),
        end: async () => {
          firewall.rules.clear();
          firewall.connections.length = 0;
        },
        stop: () => firewall.stop(),
      };
    }
    case 'origin': {
      const corpusSite = await siteOfCorpus(plan.corpus);
      const sumdb = parseGosumdb(plan.defaultGosumdb ?? '');
      const database = sumdb ? new ChecksumDatabase({ name: sumdb.name, entries: corpusEntries(plan.corpus.modules), clock }) : undefined;
      const siteFor = (host: PublicHost): Site => {
        if (host.role === 'goproxy') return database && host.proxiesSumdb ? database.proxying(corpusSite) : corpusSite;
        if (host.role === 'sumdb' && database) return database.site;
        return emptySite;
      };
      const origin = new Origin({
        address: a.origin,
        port: a.httpsPort,
        hosts: plan.hosts.map((h) => {
          const certificate = plan.pki.hostCertificates[h.name];
          if (!certificate) throw new Error(`no certificate for ${h.name}`);
          return { name: h.name, certificate, site: siteFor(h) };
        }),
        clock,
      });
      await origin.start();
      return {
        ...base,
        begin: async (faults, random) => {
          origin.faults.setFaults(faults.origin, random);
          database?.setFaults(faults.sumdb);
        },
        logs: async () => ({ handshakes: [...origin.handshakes], requests: origin.requests.map((r) => ({ ...r })), originNow: origin.now(), originActed: origin.faults.acted.snapshot() }),
        end: async () => {
          origin.faults.clear();
          database?.clear();
          origin.handshakes.length = 0;
          origin.requests.length = 0;
        },
        verifierKey: async () => database?.verifierKey,
        stop: () => origin.stop(),
      };
    }
    case 'proxy': {
      const proxy = new ConnectProxy({
        address: a.corporateProxy,
        port: a.corporateProxyPort,
        resolver: { address: a.resolver, port: a.dnsPort },
        sourceAddress: a.corporateProxy,
        clock,
      });
      await proxy.start();
      return {
        ...base,
        begin: async (faults) => proxy.setFaults(faults.proxy),
        logs: async () => ({ proxy: [...proxy.log], proxyActed: proxy.faultsActed() }),
        end: async () => {
          proxy.clearFaults();
          proxy.log.length = 0;
        },
        stop: () => proxy.stop(),
      };
    }
  }
}
