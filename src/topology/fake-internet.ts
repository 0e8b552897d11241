import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Corpus } from '../corpus/generate.ts';
import { FakeResolver } from '../dns/server.ts';
import { Firewall } from '../firewall/server.ts';
import { emptySite, goproxySite, type Site } from '../origin/goproxy-site.ts';
import { Origin } from '../origin/server.ts';
import type { KeyPairPem } from '../tls/ca.ts';
import { Wan } from '../wan/toxiproxy.ts';
import { ADDRESSES } from './addresses.ts';

export interface PublicHost {
  name: string;
  /** What the origin serves for this name. */
  role: 'goproxy' | 'sumdb' | 'vcs';
}

/** The run's PKI, made outside the sandbox (see tls/run-pki.ts): the CA and one certificate per host. */
export interface RunPki {
  caCertPem: string;
  hostCertificates: Record<string, KeyPairPem>;
}

export interface FakeInternetOptions {
  hosts: readonly PublicHost[];
  pki: RunPki;
  corpus: Corpus;
  toxiproxyBinary: string;
  /** Files of the run (CA, logs) that vanish with the sandbox. */
  workDir: string;
}

/** Positions in the component logs, taken at the start of a trial. */
export interface LogMarks {
  dns: number;
  firewall: number;
  handshakes: number;
  requests: number;
}

/** What the components saw during one trial. */
export interface Observations {
  dns: { queries: number; byName: Record<string, number>; failed: number };
  tcp: { connections: number };
  tls: { handshakes: number; sni: Record<string, number> };
  http: { requests: number; h1: number; h2: number; byStatus: Record<string, number>; bytes: number };
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

/**
 * The whole fake internet of a run: DNS -> SNI firewall -> one Toxiproxy link per hostname ->
 * origin, all with certificates from the run's own CA.
 */
export class FakeInternet {
  readonly caFile: string;
  readonly dns: FakeResolver;
  readonly origin: Origin;
  readonly wan: Wan;
  readonly firewall: Firewall;
  readonly hosts: readonly PublicHost[];

  private constructor(parts: { caFile: string; dns: FakeResolver; origin: Origin; wan: Wan; firewall: Firewall; hosts: readonly PublicHost[] }) {
    this.caFile = parts.caFile;
    this.dns = parts.dns;
    this.origin = parts.origin;
    this.wan = parts.wan;
    this.firewall = parts.firewall;
    this.hosts = parts.hosts;
  }

  static async start(options: FakeInternetOptions): Promise<FakeInternet> {
    await mkdir(options.workDir, { recursive: true });
    const caFile = join(options.workDir, 'harness-ca.pem');
    await writeFile(caFile, options.pki.caCertPem);
    const corpusSite = await goproxySite(options.corpus.proxyDir);
    const siteFor = (role: PublicHost['role']): Site => (role === 'goproxy' ? corpusSite : emptySite);
    const originHosts = options.hosts.map((h) => {
      const certificate = options.pki.hostCertificates[h.name];
      if (!certificate) throw new Error(`no certificate for ${h.name}`);
      return { name: h.name, certificate, site: siteFor(h.role) };
    });

    const started: Array<{ stop(): Promise<void> }> = [];
    try {
      const origin = new Origin({ address: ADDRESSES.origin, port: ADDRESSES.httpsPort, hosts: originHosts });
      const wanStart = Wan.start({ binary: options.toxiproxyBinary, apiHost: ADDRESSES.wan, apiPort: ADDRESSES.wanApiPort, logFile: join(options.workDir, 'toxiproxy.log') });
      await origin.start();
      started.push(origin);
      const wan = await wanStart;
      started.push(wan);
      const links = options.hosts.map((h, i) => ({
        name: h.name,
        listen: `${ADDRESSES.wan}:${ADDRESSES.wanFirstPort + i}`,
        upstream: `${ADDRESSES.origin}:${ADDRESSES.httpsPort}`,
      }));
      await wan.addLinks(links);
      const firewall = new Firewall({
        listen: [
          { host: ADDRESSES.firewall, port: ADDRESSES.httpsPort },
          { host: ADDRESSES.firewallV6, port: ADDRESSES.httpsPort },
        ],
        routes: new Map(links.map((l) => [l.name, { host: ADDRESSES.wan, port: Number(l.listen.split(':')[1]) }])),
      });
      await firewall.start();
      started.push(firewall);
      const dns = new FakeResolver({
        address: ADDRESSES.resolver,
        port: ADDRESSES.dnsPort,
        ttlSec: 300,
        zone: new Map(options.hosts.map((h) => [h.name, { a: [ADDRESSES.firewall], aaaa: [ADDRESSES.firewallV6] }])),
      });
      await dns.start();
      started.push(dns);
      return new FakeInternet({ caFile, dns, origin, wan, firewall, hosts: options.hosts });
    } catch (err) {
      await Promise.allSettled(started.reverse().map((c) => c.stop()));
      throw err;
    }
  }

  /** The client's resolv.conf: the fake resolver only. */
  resolvConf(): string {
    return `nameserver ${ADDRESSES.resolver}\n`;
  }

  /** The client's /etc/hosts: loopback names only, as on a fresh machine. */
  hostsFile(): string {
    return '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n';
  }

  marks(): LogMarks {
    return {
      dns: this.dns.log.length,
      firewall: this.firewall.connections.length,
      handshakes: this.origin.handshakes.length,
      requests: this.origin.requests.length,
    };
  }

  observe(since: LogMarks): Observations {
    const queries = this.dns.log.slice(since.dns);
    const connections = this.firewall.connections.slice(since.firewall);
    const handshakes = this.origin.handshakes.slice(since.handshakes);
    const requests = this.origin.requests.slice(since.requests);
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
    };
  }

  /** Back to a clean network between trials. */
  async reset(): Promise<void> {
    await this.wan.reset();
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.dns.stop(), this.firewall.stop(), this.origin.stop(), this.wan.stop()]);
  }
}
