import { Resolver } from 'node:dns/promises';
import dns2 from 'dns2';
import { listenDns, type DnsListener } from '../dns/listen.ts';

const { Packet } = dns2;

export interface LocalResolverOptions {
  address: string;
  port: number;
  /** The nameservers the client would otherwise use ("addr" or "addr:port"), in order. */
  upstreams: readonly string[];
  /** Drop AAAA answers (dnsmasq's filter-AAAA): the client only ever sees IPv4. */
  filterAaaa: boolean;
  upstreamTimeoutMs?: number;
}

interface CacheEntry {
  addresses: string[];
  rcode: number;
  ttlSec: number;
  expiresAt: number;
}

const NEGATIVE_TTL_SEC = 5;

/**
 * A caching resolver on the client host, as dnsmasq or systemd-resolved would be: answers from
 * its cache while the TTL lasts, asks the upstream nameservers otherwise. Users run one to
 * "prewarm" DNS before a build, or to filter AAAA.
 */
export class LocalResolver {
  readonly upstreamQueries: string[] = [];
  private readonly options: LocalResolverOptions;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly upstream: Resolver;
  private listener: DnsListener | undefined;
  hits = 0;
  misses = 0;

  constructor(options: LocalResolverOptions) {
    this.options = options;
    this.upstream = new Resolver({ timeout: options.upstreamTimeoutMs ?? 2_000, tries: 2 });
    this.upstream.setServers([...options.upstreams]);
  }

  async start(): Promise<void> {
    this.listener = await listenDns(this.options.address, this.options.port, (req, send) => void this.answer(req, send));
  }

  async stop(): Promise<void> {
    await this.listener?.close();
  }

  /** Fills the cache with these names (A and AAAA), as a warm-up script before the build would. */
  async prewarm(names: readonly string[]): Promise<void> {
    await Promise.all(names.flatMap((name) => [this.lookup(name, 'A'), this.lookup(name, 'AAAA')]));
  }

  async lookup(name: string, type: 'A' | 'AAAA'): Promise<CacheEntry> {
    const key = `${name.toLowerCase()} ${type}`;
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > Date.now()) {
      this.hits++;
      return cached;
    }
    this.misses++;
    this.upstreamQueries.push(key);
    let entry: CacheEntry;
    try {
      const records = type === 'A' ? await this.upstream.resolve4(name, { ttl: true }) : await this.upstream.resolve6(name, { ttl: true });
      const ttlSec = Math.min(...records.map((r) => r.ttl), 3_600);
      entry = { addresses: records.map((r) => r.address), rcode: Packet.RCODE.NOERROR, ttlSec, expiresAt: Date.now() + ttlSec * 1_000 };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // an empty answer (NODATA) is an answer; a name that does not exist is NXDOMAIN
      const rcode = code === 'ENODATA' ? Packet.RCODE.NOERROR : code === 'ENOTFOUND' ? Packet.RCODE.NXDOMAIN : Packet.RCODE.SERVFAIL;
      entry = { addresses: [], rcode, ttlSec: NEGATIVE_TTL_SEC, expiresAt: Date.now() + NEGATIVE_TTL_SEC * 1_000 };
    }
    this.cache.set(key, entry);
    return entry;
  }

  private async answer(request: InstanceType<typeof Packet>, send: (p: InstanceType<typeof Packet>) => void): Promise<void> {
    const response = Packet.createResponseFromRequest(request);
    response.header.ra = 1;
    const question = request.questions[0];
    const name = (question?.name ?? '').replace(/\.$/, '');
    const type = question?.type === Packet.TYPE.A ? 'A' : question?.type === Packet.TYPE.AAAA ? 'AAAA' : undefined;
    if (!question || !type) {
      response.header.rcode = Packet.RCODE.NOTIMP;
      send(response);
      return;
    }
    if (type === 'AAAA' && this.options.filterAaaa) {
      send(response);
      return;
    }
    const entry = await this.lookup(name, type);
    response.header.rcode = entry.rcode;
    const ttl = Math.max(0, Math.round((entry.expiresAt - Date.now()) / 1_000));
    for (const address of entry.addresses) {
      response.answers.push(Packet.createResourceFromQuestion(question, { type: type === 'A' ? Packet.TYPE.A : Packet.TYPE.AAAA, class: Packet.CLASS.IN, ttl, address }));
    }
    send(response);
  }
}
