import http from 'node:http';
import { Pool, ProxyAgent, type Dispatcher } from 'undici';
import type { Site } from '../origin/goproxy-site.ts';
import { lookupVia } from './lookup.ts';

interface LocalProxyLogEntry {
  path: string;
  status: number;
  bytes: number;
}

/** A plain-HTTP module proxy on the client host; GOPROXY=http://<address>:<port>. */
abstract class LocalHttpProxy {
  readonly log: LocalProxyLogEntry[] = [];
  private server: http.Server | undefined;
  protected readonly address: string;
  protected readonly port: number;

  constructor(address: string, port: number) {
    this.address = address;
    this.port = port;
  }

  get url(): string {
    return `http://${this.address}:${this.port}`;
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => {
      void this.serve(req.url ?? '/', res).catch((err: Error) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`local proxy: ${err.message}\n`);
        this.log.push({ path: req.url ?? '/', status: 502, bytes: 0 });
      });
    });
    server.keepAliveTimeout = 30_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.address, () => resolve());
    });
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  protected abstract serve(path: string, res: http.ServerResponse): Promise<void>;
}

/** A caching module proxy already holding every module (the best case of a warm cache). */
export class WarmProxy extends LocalHttpProxy {
  private readonly site: Site;

  constructor(address: string, port: number, site: Site) {
    super(address, port);
    this.site = site;
  }

  protected async serve(path: string, res: http.ServerResponse): Promise<void> {
    const response = this.site(decodeURIComponent(path.split('?')[0] ?? '/'));
    res.writeHead(response.status, { 'content-type': response.contentType, 'content-length': response.body.length });
    res.end(response.body);
    this.log.push({ path, status: response.status, bytes: response.body.length });
  }
}

export interface GatewayOptions {
  address: string;
  port: number;
  /** The upstream module proxy, e.g. https://proxy.golang.org */
  upstream: string;
  /** Nameservers to resolve the upstream with (the client's own). */
  nameservers: readonly string[];
  caPem: string;
  /** The corporate proxy, when the client has to use one. */
  httpsProxy?: string;
  connections?: number;
}

/**
 * A local GOPROXY gateway (what "force HTTP/1.1 upstream with a connection pool" means): go
 * talks plain HTTP to it on the client host; it fetches from the upstream proxy over HTTP/1.1
 * with a pool of keep-alive connections.
 */
export class Http1Gateway extends LocalHttpProxy {
  private readonly options: GatewayOptions;
  private readonly dispatcher: Dispatcher;

  constructor(options: GatewayOptions) {
    super(options.address, options.port);
    this.options = options;
    const lookup = lookupVia(options.nameservers);
    const connections = options.connections ?? 16;
    this.dispatcher = options.httpsProxy
      ? new ProxyAgent({ uri: options.httpsProxy, allowH2: false, requestTls: { ca: options.caPem, allowH2: false }, connections })
      : new Pool(options.upstream, { connections, pipelining: 1, allowH2: false, connect: { ca: options.caPem, lookup } });
  }

  override async stop(): Promise<void> {
    await super.stop();
    await this.dispatcher.destroy();
  }

  protected async serve(path: string, res: http.ServerResponse): Promise<void> {
    const upstream = await this.dispatcher.request({ origin: this.options.upstream, path, method: 'GET' });
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'content-length']) {
      const value = upstream.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    res.writeHead(upstream.statusCode, headers);
    let bytes = 0;
    for await (const chunk of upstream.body) {
      bytes += (chunk as Buffer).length;
      res.write(chunk);
    }
    res.end();
    this.log.push({ path, status: upstream.statusCode, bytes });
  }
}
