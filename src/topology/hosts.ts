import { gosumdbHost, parseGosumdb } from '../client/toolchain.ts';
import type { Corpus } from '../corpus/generate.ts';
import { FakeResolver, type DnsQueryLogEntry } from '../dns/server.ts';
import type { TrialClock } from '../faults/window.ts';
import { Firewall, type FirewallConnectionLogEntry } from '../firewall/server.ts';
import { emptySite, type Site } from '../origin/goproxy-site.ts';
import { corpusSite as siteOfCorpus } from '../project/site.ts';
import { Origin, type OriginHandshakeLogEntry, type OriginRequestLogEntry } from '../origin/server.ts';
import { ConnectProxy, type ProxyLogEntry } from '../proxy/connect-proxy.ts';
import type { Random } from '../random.ts';
import type { LayeredFaults } from '../scenario/faults.ts';
import { ChecksumDatabase, corpusEntries } from '../sumdb/database.ts';
import type { KeyPairPem } from '../tls/ca.ts';
import type { TopologyAddresses } from './addresses.ts';

export interface PublicHost {
  name: string;
  /** What the origin serves for this name. */
  role: 'goproxy' | 'sumdb' | 'vcs';
  /** A module proxy that also proxies the checksum database (/sumdb/<name>/supported answers 200). */
  proxiesSumdb?: boolean;
}

/** The run's PKI, made outside the sandbox (see tls/run-pki.ts). */
export interface RunPki {
  caCertPem: string;
  hostCertificates: Record<string, KeyPairPem>;
  /** The corporate inspection CA (tls-mitm): not trusted by the client unless a mitigation says so. */
  inspectionCaCertPem: string;
  inspectionCertificates: Record<string, KeyPairPem>;
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
        logs: async () => (dead ? { deadDns: [...resolver.log] } : { dns: [...resolver.log] }),
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
        logs: async () => ({ firewall: [...firewall.connections] }),
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
        logs: async () => ({ handshakes: [...origin.handshakes], requests: origin.requests.map((r) => ({ ...r })), originNow: origin.now() }),
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
        logs: async () => ({ proxy: [...proxy.log] }),
        end: async () => {
          proxy.clearFaults();
          proxy.log.length = 0;
        },
        stop: () => proxy.stop(),
      };
    }
  }
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

/** What the components saw during one trial. */
export interface Observations {
  dns: { queries: number; byName: Record<string, number>; failed: number };
  tcp: { connections: number };
  tls: { handshakes: number; sni: Record<string, number> };
  http: { requests: number; h1: number; h2: number; byStatus: Record<string, number>; bytes: number };
  /** Connections the firewall did not simply pass, by what it did. */
  firewall: Record<string, number>;
  proxy: { connects: number; byStatus: Record<string, number> };
  /**
   * Requests for the checksum database at the origin, at its own host or through a proxy's
   * /sumdb/<name>/ path (not counting the /supported probe), whatever the answer; `timeMs` is the
   * sum of their durations at the origin.
   */
  sumdb: { requests: number; lookups: number; tiles: number; timeMs: number };
}

/** Turns the hosts' logs of one trial into the record's observations. */
export function observationsOf(logs: HostLogs, plan: Pick<NetworkPlan, 'hosts' | 'defaultGosumdb'>): Observations {
  const queries = [...(logs.dns ?? []), ...(logs.deadDns ?? [])];
  const connections = logs.firewall ?? [];
  const handshakes = logs.handshakes ?? [];
  const requests = logs.requests ?? [];
  const tunnels = logs.proxy ?? [];
  const originNow = logs.originNow ?? 0;
  const kindOf = sumdbRequestKind(plan);
  const sumdbRequests = requests.flatMap((r) => {
    const kind = kindOf(r.host, r.path);
    return kind ? [{ kind, ms: r.durationMs >= 0 ? r.durationMs : originNow - r.atMs }] : [];
  });
  return {
    dns: { queries: queries.length, byName: countBy(queries, (q) => `${q.name} ${q.type}`), failed: queries.filter((q) => q.rcode !== 'NOERROR').length },
    tcp: { connections: connections.length },
    tls: { handshakes: handshakes.length, sni: countBy(handshakes, (h) => h.sni ?? '(none)') },
    http: {
      requests: requests.length,
      h1: requests.filter((r) => r.protocol === 'h1').length,
      h2: requests.filter((r) => r.protocol === 'h2').length,
      byStatus: countBy(requests, (r) => String(r.status)),
      bytes: requests.reduce((sum, r) => sum + r.bytes, 0),
    },
    firewall: countBy(connections.filter((c) => c.action !== 'forwarded'), (c) => c.action),
    proxy: { connects: tunnels.length, byStatus: countBy(tunnels, (t) => String(t.status)) },
    sumdb: {
      requests: sumdbRequests.length,
      lookups: sumdbRequests.filter((r) => r.kind === 'lookup').length,
      tiles: sumdbRequests.filter((r) => r.kind === 'tile').length,
      timeMs: Math.round(sumdbRequests.reduce((sum, r) => sum + r.ms, 0) * 10) / 10,
    },
  };
}

/** What a request asks of the checksum database, directly or through a proxy; undefined when nothing. */
function sumdbRequestKind(plan: Pick<NetworkPlan, 'hosts' | 'defaultGosumdb'>): (host: string, path: string) => 'lookup' | 'tile' | 'other' | undefined {
  const sumdb = parseGosumdb(plan.defaultGosumdb ?? '');
  if (!sumdb) return () => undefined;
  const sumdbHost = gosumdbHost(plan.defaultGosumdb ?? '');
  const proxies = new Set(plan.hosts.filter((h) => h.role === 'goproxy' && h.proxiesSumdb).map((h) => h.name));
  const prefix = `/sumdb/${sumdb.name}/`;
  return (host, path) => {
    let rest: string;
    if (host === sumdbHost) rest = path;
    else if (proxies.has(host) && path.startsWith(prefix)) rest = path.slice(prefix.length - 1);
    else return undefined;
    if (rest === '/supported') return undefined;
    return rest.startsWith('/lookup/') ? 'lookup' : rest.startsWith('/tile/') ? 'tile' : 'other';
  };
}
