import http2 from 'node:http2';
import type { IncomingMessage, ServerResponse } from 'node:http';
import tls from 'node:tls';
import type { KeyPairPem } from '../tls/ca.ts';
import { debug } from '../log.ts';
import type { Site } from './goproxy-site.ts';

const log = debug('origin');

export interface OriginRequestLogEntry {
  /** ms since the origin started. */
  atMs: number;
  host: string;
  method: string;
  path: string;
  status: number;
  protocol: 'h1' | 'h2';
  bytes: number;
  ttfbMs: number;
  connectionId: number;
}

export interface OriginHandshakeLogEntry {
  atMs: number;
  connectionId: number;
  sni: string | undefined;
  alpn: string | false;
}

export interface OriginHost {
  name: string;
  certificate: KeyPairPem;
  site: Site;
}

export interface OriginOptions {
  address: string;
  port: number;
  hosts: readonly OriginHost[];
}

/** Clients may percent-encode the '!' of escaped module paths (Go sends %21). */
function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

const CONNECTION_ID = Symbol('gomod-chaos.connectionId');
type TaggedSocket = tls.TLSSocket & { [CONNECTION_ID]?: number };

/**
 * The origin of every public name: one TLS listener speaking h2 and http/1.1 by ALPN, choosing
 * the certificate and the site by SNI / Host. Logs every handshake and request.
 */
export class Origin {
  readonly requests: OriginRequestLogEntry[] = [];
  readonly handshakes: OriginHandshakeLogEntry[] = [];
  private readonly options: OriginOptions;
  private readonly startedAt = performance.now();
  private readonly contexts = new Map<string, tls.SecureContext>();
  private readonly sites = new Map<string, Site>();
  private server: http2.Http2SecureServer | undefined;
  private nextConnectionId = 1;
  private readonly sockets = new Set<tls.TLSSocket>();

  constructor(options: OriginOptions) {
    this.options = options;
    for (const host of options.hosts) {
      this.contexts.set(host.name, tls.createSecureContext({ cert: host.certificate.certPem, key: host.certificate.keyPem }));
      this.sites.set(host.name, host.site);
    }
  }

  async start(): Promise<void> {
    const first = this.options.hosts[0];
    if (!first) throw new Error('origin needs at least one host');
    const server = http2.createSecureServer({
      allowHTTP1: true,
      cert: first.certificate.certPem,
      key: first.certificate.keyPem,
      SNICallback: (servername, cb) => {
        const ctx = this.contexts.get(servername.toLowerCase());
        if (ctx) cb(null, ctx);
        else cb(new Error(`origin has no certificate for ${servername}`));
      },
    });
    server.on('secureConnection', (socket: TaggedSocket) => {
      const id = this.nextConnectionId++;
      socket[CONNECTION_ID] = id;
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      const servername = (socket as tls.TLSSocket & { servername?: string | false }).servername;
      this.handshakes.push({ atMs: this.now(), connectionId: id, sni: servername || undefined, alpn: socket.alpnProtocol ?? false });
    });
    server.on('request', (req, res) => this.handle(req as unknown as http2.Http2ServerRequest | IncomingMessage, res as unknown as http2.Http2ServerResponse | ServerResponse));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.address, () => resolve());
    });
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private now(): number {
    return performance.now() - this.startedAt;
  }

  private handle(req: http2.Http2ServerRequest | IncomingMessage, res: http2.Http2ServerResponse | ServerResponse): void {
    const atMs = this.now();
    const isH2 = req.httpVersion === '2.0';
    const hostHeader = (isH2 ? (req as http2.Http2ServerRequest).authority : req.headers.host) ?? '';
    const host = hostHeader.replace(/:\d+$/, '').toLowerCase();
    const path = decodePath((req.url ?? '/').split('?')[0] ?? '/');
    const site = this.sites.get(host);
    const response = site
      ? site(path)
      : { status: 421, contentType: 'text/plain; charset=utf-8', body: Buffer.from(`misdirected request: no site ${host}\n`) };
    const socket = (isH2 ? (req as http2.Http2ServerRequest).stream.session?.socket : req.socket) as TaggedSocket | undefined;
    const body = req.method === 'HEAD' ? Buffer.alloc(0) : response.body;
    (res as ServerResponse).writeHead(response.status, { 'content-type': response.contentType, 'content-length': response.body.length });
    const ttfbMs = this.now() - atMs;
    (res as ServerResponse).end(body);
    this.requests.push({
      atMs,
      host,
      method: req.method ?? 'GET',
      path,
      status: response.status,
      protocol: isH2 ? 'h2' : 'h1',
      bytes: body.length,
      ttfbMs,
      connectionId: socket?.[CONNECTION_ID] ?? 0,
    });
    log(isH2 ? 'h2' : 'h1', host, path, response.status);
  }
}
