import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { clientFiles, type ClientFiles, type ResolvOptions } from '../client/traps.ts';
import { gosumdbHost, parseGosumdb } from '../client/toolchain.ts';
import type { Corpus } from '../corpus/generate.ts';
import { FakeResolver } from '../dns/server.ts';
import { windowOf, TrialClock } from '../faults/window.ts';
import { Firewall } from '../firewall/server.ts';
import { emptySite, goproxySite, type Site } from '../origin/goproxy-site.ts';
import { Origin } from '../origin/server.ts';
import { ConnectProxy } from '../proxy/connect-proxy.ts';
import { createRandom } from '../random.ts';
import type { LayeredFaults } from '../scenario/faults.ts';
import { ChecksumDatabase, corpusEntries } from '../sumdb/database.ts';
import type { KeyPairPem } from '../tls/ca.ts';
import { Wan } from '../wan/toxiproxy.ts';
import { ADDRESSES } from './addresses.ts';
import { Ipv6Blackhole } from './ipv6-blackhole.ts';

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

export interface FakeInternetOptions {
  hosts: readonly PublicHost[];
  pki: RunPki;
  corpus: Corpus;
  toxiproxyBinary: string;
  /** Files of the run (CA, logs) that vanish with the sandbox. */
  workDir: string;
  corporateProxy?: CorporateProxyOptions;
  /**
   * The toolchain's default GOSUMDB (from `go env` in a clean environment): the checksum database
   * is served under its name, with a key made for the run. Empty or "off": no database.
   */
  defaultGosumdb?: string;
}

/** Positions in the component logs, taken at the start of a trial. */
export interface LogMarks {
  dns: number;
  deadDns: number;
  firewall: number;
  handshakes: number;
  requests: number;
  proxy: number;
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

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

interface Stoppable {
  stop(): Promise<void>;
}

/**
 * The whole fake internet of a run: DNS -> SNI firewall -> one Toxiproxy link per hostname ->
 * origin, plus a corporate CONNECT proxy, all with certificates from the run's own CA. Each
 * trial's faults are handed to the component of their layer.
 */
export class FakeInternet {
  readonly caFile: string;
  readonly caPem: string;
  readonly inspectionCaFile: string;
  readonly clock = new TrialClock();
  readonly hosts: readonly PublicHost[];
  readonly corporateProxy: CorporateProxyOptions | undefined;
  /** The corpus as a module proxy serves it (mirrors and local caching proxies serve the same). */
  corpusSite!: Site;
  /** The run's checksum database (absent when the toolchain has no default GOSUMDB). */
  database: ChecksumDatabase | undefined;
  /** GOSUMDB for the client: the database's name with the run's verifier key, and its URL if the default named one. */
  private gosumdb: string | undefined;
  private sumdbHost: string | undefined;
  private sumdbProxies = new Set<string>();
  private dns!: FakeResolver;
  private deadDns!: FakeResolver;
  private origin!: Origin;
  private wan!: Wan;
  private firewall!: Firewall;
  private proxy!: ConnectProxy;
  private readonly ipv6Blackhole = new Ipv6Blackhole(ADDRESSES.httpsPort);
  private readonly started: Stoppable[] = [];
  private trialTimers: NodeJS.Timeout[] = [];
  /** How to take back each WAN fault put in place this trial, by its index. */
  private wanUndo = new Map<number, () => Promise<void>>();
  private trial: LayeredFaults | undefined;

  private constructor(options: FakeInternetOptions) {
    this.caFile = join(options.workDir, 'harness-ca.pem');
    this.caPem = options.pki.caCertPem;
    this.inspectionCaFile = join(options.workDir, 'inspection-ca.pem');
    this.hosts = options.hosts;
    this.corporateProxy = options.corporateProxy;
  }

  static async start(options: FakeInternetOptions): Promise<FakeInternet> {
    const internet = new FakeInternet(options);
    try {
      await internet.startComponents(options);
      return internet;
    } catch (err) {
      await internet.stop();
      throw err;
    }
  }

  private async startComponents(options: FakeInternetOptions): Promise<void> {
    await mkdir(options.workDir, { recursive: true });
    await writeFile(this.caFile, options.pki.caCertPem);
    await writeFile(this.inspectionCaFile, options.pki.inspectionCaCertPem + options.pki.caCertPem);
    const corpusSite = await goproxySite(options.corpus.proxyDir);
    this.corpusSite = corpusSite;
    const clock = this.clock;
    const sumdb = parseGosumdb(options.defaultGosumdb ?? '');
    const database = sumdb ? new ChecksumDatabase({ name: sumdb.name, entries: corpusEntries(options.corpus.modules), clock }) : undefined;
    this.database = database;
    if (sumdb && database) {
      this.gosumdb = sumdb.url ? `${database.verifierKey} ${sumdb.url}` : database.verifierKey;
      this.sumdbHost = gosumdbHost(options.defaultGosumdb ?? '');
      this.sumdbProxies = new Set(options.hosts.filter((h) => h.role === 'goproxy' && h.proxiesSumdb).map((h) => h.name));
    }
    const siteFor = (host: PublicHost): Site => {
      if (host.role === 'goproxy') return database && host.proxiesSumdb ? database.proxying(corpusSite) : corpusSite;
      if (host.role === 'sumdb' && database) return database.site;
      return emptySite;
    };
    const originHosts = options.hosts.map((h) => {
      const certificate = options.pki.hostCertificates[h.name];
      if (!certificate) throw new Error(`no certificate for ${h.name}`);
      return { name: h.name, certificate, site: siteFor(h) };
    });

    this.origin = new Origin({ address: ADDRESSES.origin, port: ADDRESSES.httpsPort, hosts: originHosts, clock });
    const wanStart = Wan.start({ binary: options.toxiproxyBinary, apiHost: ADDRESSES.wan, apiPort: ADDRESSES.wanApiPort, logFile: join(options.workDir, 'toxiproxy.log') });
    await this.origin.start();
    this.started.push(this.origin);
    this.wan = await wanStart;
    this.started.push(this.wan);
    const links = options.hosts.map((h, i) => ({
      name: h.name,
      listen: `${ADDRESSES.wan}:${ADDRESSES.wanFirstPort + i}`,
      upstream: `${ADDRESSES.origin}:${ADDRESSES.httpsPort}`,
    }));
    await this.wan.addLinks(links);

    this.firewall = new Firewall({
      listen: [
        { host: ADDRESSES.firewall, port: ADDRESSES.httpsPort },
        { host: ADDRESSES.firewallV6, port: ADDRESSES.httpsPort },
      ],
      routes: new Map(links.map((l) => [l.name, { host: ADDRESSES.wan, port: Number(l.listen.split(':')[1]) }])),
      harnessCaPem: options.pki.caCertPem,
      inspectionCertificates: options.pki.inspectionCertificates,
      ...(options.corporateProxy?.mandatory ? { onlyFrom: ADDRESSES.corporateProxy } : {}),
      clock,
    });
    await this.firewall.start();
    this.started.push(this.firewall);

    const zone = new Map(options.hosts.map((h) => [h.name, { a: [ADDRESSES.firewall], aaaa: [ADDRESSES.firewallV6] }]));
    this.dns = new FakeResolver({ address: ADDRESSES.resolver, port: ADDRESSES.dnsPort, ttlSec: 300, zone, clock });
    this.deadDns = new FakeResolver({ address: ADDRESSES.deadResolver, port: ADDRESSES.dnsPort, ttlSec: 300, zone, clock, silent: true });
    await Promise.all([this.dns.start(), this.deadDns.start()]);
    this.started.push(this.dns, this.deadDns);

    this.proxy = new ConnectProxy({
      address: ADDRESSES.corporateProxy,
      port: ADDRESSES.corporateProxyPort,
      resolver: { address: ADDRESSES.resolver, port: ADDRESSES.dnsPort },
      sourceAddress: ADDRESSES.corporateProxy,
      clock,
    });
    await this.proxy.start();
    this.started.push(this.proxy);
  }

  /** The client's resolv.conf and hosts for a trial, traps and mitigation options applied. */
  clientFiles(resolvOptions?: ResolvOptions): ClientFiles {
    return clientFiles(this.trial?.client ?? [], resolvOptions);
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
    return this.corporateProxy?.clientUsesProxy ? this.corporateProxyEnv() : {};
  }

  /** HTTPS_PROXY / HTTP_PROXY for the corporate proxy (when the scenario has one). */
  corporateProxyEnv(): Record<string, string> {
    if (!this.corporateProxy) return {};
    const url = `http://${ADDRESSES.corporateProxy}:${ADDRESSES.corporateProxyPort}`;
    return { HTTPS_PROXY: url, HTTP_PROXY: url };
  }

  /**
   * Hands each fault to its layer before `go` starts. Faults of the WAN (Toxiproxy) and the IPv6
   * path are put in place now when they start at once, and on timers from startClock() otherwise.
   */
  async beginTrial(faults: LayeredFaults, seed: number): Promise<void> {
    this.trial = faults;
    const random = createRandom(seed);
    this.dns.policy.setFaults(faults.dns, random);
    this.firewall.rules.setFaults(faults.firewall);
    this.origin.faults.setFaults(faults.origin, random);
    this.proxy.setFaults(faults.proxy);
    this.database?.setFaults(faults.sumdb);
    for (const [i, fault] of faults.wan.entries()) {
      if (windowOf(fault).fromMs === 0) this.wanUndo.set(i, await this.wan.applyFault(fault, `f${i}`));
    }
    const aaaa = faults.dns.find((f) => f.kind === 'dns-aaaa-nowhere');
    if (aaaa && windowOf(aaaa).fromMs === 0) await this.ipv6Blackhole.enable();
  }

  /** `go` starts now: the trial clock starts and timed faults are scheduled from here. */
  startClock(): void {
    this.clock.start();
    const faults = this.trial;
    if (!faults) return;
    const at = (ms: number, action: () => Promise<unknown>) => {
      if (ms === Infinity) return;
      this.trialTimers.push(setTimeout(() => void action().catch(() => {}), ms));
    };
    for (const [i, fault] of faults.wan.entries()) {
      const window = windowOf(fault);
      if (window.fromMs > 0) at(window.fromMs, async () => this.wanUndo.set(i, await this.wan.applyFault(fault, `f${i}`)));
      at(window.untilMs, async () => {
        await this.wanUndo.get(i)?.();
        this.wanUndo.delete(i);
      });
    }
    const aaaa = faults.dns.find((f) => f.kind === 'dns-aaaa-nowhere');
    if (aaaa) {
      const window = windowOf(aaaa);
      if (window.fromMs > 0) at(window.fromMs, () => this.ipv6Blackhole.enable());
      at(window.untilMs, () => this.ipv6Blackhole.disable());
    }
  }

  /** Back to a clean network: no fault, no timer, Toxiproxy reset. */
  async endTrial(): Promise<void> {
    this.clock.stop();
    for (const timer of this.trialTimers) clearTimeout(timer);
    this.trialTimers = [];
    this.dns.policy.clear();
    this.firewall.rules.clear();
    this.origin.faults.clear();
    this.proxy.clearFaults();
    this.database?.clear();
    this.trial = undefined;
    // Toxiproxy's reset takes every toxic off and re-enables every link
    this.wanUndo.clear();
    await this.ipv6Blackhole.disable().catch(() => {});
    await this.wan.reset();
    // the trial's observations are taken: the logs start empty again, so a long run's memory stays flat
    for (const log of [this.dns.log, this.deadDns.log, this.firewall.connections, this.origin.handshakes, this.origin.requests, this.proxy.log]) log.length = 0;
  }

  marks(): LogMarks {
    return {
      dns: this.dns.log.length,
      deadDns: this.deadDns.log.length,
      firewall: this.firewall.connections.length,
      handshakes: this.origin.handshakes.length,
      requests: this.origin.requests.length,
      proxy: this.proxy.log.length,
    };
  }

  observe(since: LogMarks): Observations {
    const queries = [...this.dns.log.slice(since.dns), ...this.deadDns.log.slice(since.deadDns)];
    const connections = this.firewall.connections.slice(since.firewall);
    const handshakes = this.origin.handshakes.slice(since.handshakes);
    const requests = this.origin.requests.slice(since.requests);
    const tunnels = this.proxy.log.slice(since.proxy);
    const originNow = this.origin.now();
    const sumdbRequests = requests.flatMap((r) => {
      const kind = this.sumdbRequestKind(r.host, r.path);
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
  private sumdbRequestKind(host: string, path: string): 'lookup' | 'tile' | 'other' | undefined {
    if (!this.database) return undefined;
    const prefix = `/sumdb/${this.database.name}/`;
    let rest: string;
    if (host === this.sumdbHost) rest = path;
    else if (this.sumdbProxies.has(host) && path.startsWith(prefix)) rest = path.slice(prefix.length - 1);
    else return undefined;
    if (rest === '/supported') return undefined;
    return rest.startsWith('/lookup/') ? 'lookup' : rest.startsWith('/tile/') ? 'tile' : 'other';
  }

  async stop(): Promise<void> {
    for (const timer of this.trialTimers) clearTimeout(timer);
    await this.ipv6Blackhole.disable().catch(() => {});
    await Promise.allSettled(this.started.reverse().map((c) => c.stop()));
  }
}
