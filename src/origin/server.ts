import http2 from 'node:http2';
import type { IncomingMessage, ServerResponse } from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { createReadStream } from 'node:fs';
import { TrialClock } from '../faults/window.ts';
import type { KeyPairPem } from '../tls/ca.ts';
import { debug } from '../log.ts';
import type { Random } from '../random.ts';
import { OriginFaultPolicy, statusBody, type OriginFault, type OriginFaultDecision } from './faults.ts';
import type { Site, SiteResponse } from './goproxy-site.ts';

const log = debug('origin');

/**
 * One request, logged when it arrives and completed as the response goes out, so requests that
 * are stalled, reset or still waiting when `go` is killed are logged too.
 */
export interface OriginRequestLogEntry {
  /** ms since the origin started. */
  atMs: number;
  host: string;
  method: string;
  path: string;
  /** The status sent; 0 while (or when) no response headers have been sent. */
  status: number;
  protocol: 'h1' | 'h2';
  /** Body bytes handed to the connection. */
  bytes: number;
  /** ms from the request to the response headers; -1 while (or when) none were sent. */
  ttfbMs: number;
  /** ms from the request until its response ended or its stream closed; -1 while it is open. */
  durationMs: number;
  connectionId: number;
  /** The kinds of the HTTP faults applied, joined by '+'. */
  fault?: string;
}

export interface OriginHandshakeLogEntry {
  atMs: number;
  connectionId: number;
  sni: string | undefined;
  alpn: string | false;
}

interface OriginHost {
  name: string;
  certificate: KeyPairPem;
  site: Site;
}

export interface OriginOptions {
  address: string;
  port: number;
  hosts: readonly OriginHost[];
  /** The trial clock that times the faults' windows. */
  clock?: TrialClock;
  /** More addresses that reach this same server (bench:harness's origin tap, see topology/bench-taps.ts). */
  alsoListen?: ReadonlyArray<{ host: string; port: number }>;
}

/** Clients may percent-encode the '!' of escaped module paths (Go sends %21). */
function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function listen(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

/**
 * TLS 1.3 suites in the order proxy.golang.org picks for go (TLS_AES_128_GCM_SHA256, with
 * X25519MLKEM768, both of which node also chooses) and Go's own servers do on AES hardware;
 * node's default would pick TLS_AES_256_GCM_SHA384. TLS 1.2 keeps node's default list.
 */
const CIPHERS = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', ...tls.DEFAULT_CIPHERS.split(':').filter((c) => !c.startsWith('TLS_'))].join(':');

const CONNECTION_ID = Symbol('gomod-chaos.connectionId');

/** Where one request's response goes: an HTTP/2 stream (the core API) or an http/1.1 response. */
type Exchange = { protocol: 'h2'; stream: http2.ServerHttp2Stream; head: boolean } | { protocol: 'h1'; res: ServerResponse; head: boolean };
type TaggedSocket = tls.TLSSocket & { [CONNECTION_ID]?: number };

/**
 * The origin of every public name: one TLS listener speaking h2 and http/1.1 by ALPN, choosing
 * the certificate and the site by SNI / Host. Logs every handshake and request.
 */
export class Origin {
  readonly requests: OriginRequestLogEntry[] = [];
  readonly handshakes: OriginHandshakeLogEntry[] = [];
  readonly faults = new OriginFaultPolicy();
  private readonly options: OriginOptions;
  private readonly clock: TrialClock;
  /** The zero of the log's atMs (performance.now() in this process). */
  readonly startedAt = performance.now();
  private readonly contexts = new Map<string, tls.SecureContext>();
  private readonly sites = new Map<string, Site>();
  private server: http2.Http2SecureServer | undefined;
  private readonly extraListeners: net.Server[] = [];
  private nextConnectionId = 1;
  private readonly sockets = new Set<tls.TLSSocket>();
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(options: OriginOptions) {
    this.options = options;
    this.clock = options.clock ?? new TrialClock();
    for (const host of options.hosts) {
      this.contexts.set(host.name, tls.createSecureContext({ cert: host.certificate.certPem, key: host.certificate.keyPem, ciphers: CIPHERS }));
      this.sites.set(host.name, host.site);
    }
  }

  /** The trial's HTTP and HTTP/2 faults (every component: setFaults / clearFaults / drainLog). */
  setFaults(faults: readonly OriginFault[], random: Random): void {
    this.faults.setFaults(faults, random);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /**
   * Handshakes and requests logged since the last drain; the log starts empty again. A request
   * still in flight keeps updating its entry (duration, bytes) after the drain.
   */
  drainLog(): { handshakes: OriginHandshakeLogEntry[]; requests: OriginRequestLogEntry[] } {
    return { handshakes: this.handshakes.splice(0), requests: this.requests.splice(0) };
  }

  async start(): Promise<void> {
    const first = this.options.hosts[0];
    if (!first) throw new Error('origin needs at least one host');
    const server = http2.createSecureServer({
      allowHTTP1: true,
      // node answers ENHANCE_YOUR_CALM once a session buffers more than maxSessionMemory (10 MB by
      // default): a real project's zips (tens of MB in flight on one h2 connection) would hit it,
      // which no real module proxy does
      maxSessionMemory: 1024,
      ciphers: CIPHERS,
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
    server.on('session', (session) => {
      this.sessions.add(session);
      session.once('close', () => this.sessions.delete(session));
    });
    // http/1.1 (allowHTTP1) through node:http's request and response; HTTP/2 on the core API: adding a
    // 'request' listener makes node wrap every h2 stream in the compatibility layer's request and
    // response too (its 'stream' listener), a cost per request no h2 response here needs
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.onHttp1(req, res));
    server.removeAllListeners('stream');
    server.on('stream', (stream, headers) => this.onStream(stream, headers));
    this.server = server;
    await listen(server, this.options.address, this.options.port);
    for (const { host, port } of this.options.alsoListen ?? []) {
      // the same TLS server takes the connection: nothing in between
      const tap = net.createServer((socket) => server.emit('connection', socket));
      this.extraListeners.push(tap);
      await listen(tap, host, port);
    }
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    // stalled streams keep their sessions (and sockets) open forever: close is not enough
    for (const session of this.sessions) session.destroy();
    for (const socket of this.sockets) socket.destroy();
    for (const tap of this.extraListeners) tap.close();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** ms since the origin started: the clock of its logs. */
  now(): number {
    return performance.now() - this.startedAt;
  }

  private onHttp1(req: IncomingMessage, res: ServerResponse): void {
    const atMs = this.now();
    const method = req.method ?? 'GET';
    const exchange: Exchange = { protocol: 'h1', res, head: method === 'HEAD' };
    this.handle(exchange, { atMs, authority: req.headers.host, url: req.url, method, socket: req.socket as TaggedSocket });
  }

  private onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    const atMs = this.now();
    // a reset or a lost connection ends the stream: its log entry has the duration, nothing to report
    stream.on('error', () => {});
    const method = headers[':method'] ?? 'GET';
    const exchange: Exchange = { protocol: 'h2', stream, head: method === 'HEAD' };
    this.handle(exchange, { atMs, authority: headers[':authority'], url: headers[':path'], method, socket: stream.session?.socket as TaggedSocket | undefined });
  }

  private handle(exchange: Exchange, request: { atMs: number; authority: string | undefined; url: string | undefined; method: string; socket: TaggedSocket | undefined }): void {
    const { atMs, method, socket } = request;
    const host = (request.authority ?? '').replace(/:\d+$/, '').toLowerCase();
    const path = decodePath((request.url ?? '/').split('?')[0] ?? '/');
    const { protocol } = exchange;
    const session = exchange.protocol === 'h2' ? exchange.stream.session : undefined;
    const decision = this.faults.decide({ host, path, protocol, elapsedMs: this.clock.elapsedMs(), session });
    const entry: OriginRequestLogEntry = { atMs, host, method, path, status: 0, protocol, bytes: 0, ttfbMs: -1, durationMs: -1, connectionId: socket?.[CONNECTION_ID] ?? 0 };
    const ended = () => {
      if (entry.durationMs < 0) entry.durationMs = this.now() - atMs;
    };
    // an h2 response ends with its stream (the compatibility layer's 'finish' is that 'close' too)
    if (exchange.protocol === 'h2') exchange.stream.once('close', ended);
    else exchange.res.once('finish', ended).once('close', ended);
    if (decision.kinds.length > 0) entry.fault = decision.kinds.join('+');
    this.requests.push(entry);
    log(protocol, host, path, entry.fault ?? '');

    if (exchange.protocol === 'h2' && decision.goaway) this.goAway(exchange.stream, decision.goaway.code);
    if (decision.noResponse) return;
    const site = this.sites.get(host);
    const response: SiteResponse = decision.status
      ? { status: decision.status.status, contentType: 'text/plain; charset=utf-8', body: Buffer.from(statusBody(decision.status.status, path)) }
      : site
        ? site(path)
        : { status: 421, contentType: 'text/plain; charset=utf-8', body: Buffer.from(`misdirected request: no site ${host}\n`) };
    const delayMs = (decision.status?.delayMs ?? 0) + decision.firstByteDelayMs;
    const send = () => this.respond(exchange, response, decision.cut, entry);
    if (delayMs <= 0) {
      send();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      send();
    }, delayMs);
    this.timers.add(timer);
    (exchange.protocol === 'h2' ? exchange.stream : exchange.res).once('close', () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    });
  }

  private respond(exchange: Exchange, response: SiteResponse, cut: OriginFaultDecision['cut'], entry: OriginRequestLogEntry): void {
    const length = response.file?.size ?? response.body.length;
    if (exchange.protocol === 'h2') {
      const { stream } = exchange;
      // the client may have reset the stream (or dropped the connection) during a delay
      if (stream.destroyed || stream.closed) return;
      // a reset closes the writable side first: waiting for trailers keeps that from sending END_STREAM
      // before the RST_STREAM (the client would see a short body, not the reset)
      stream.respond({ ':status': response.status, 'content-type': response.contentType, 'content-length': length }, { endStream: exchange.head, waitForTrailers: cut?.action === 'rst' });
    } else {
      exchange.res.writeHead(response.status, { 'content-type': response.contentType, 'content-length': length });
    }
    entry.status = response.status;
    entry.ttfbMs = this.now() - entry.atMs;
    // a HEAD response on h2 ended with its headers (respond's endStream)
    if (exchange.protocol === 'h2' && exchange.head) return;
    const out = exchange.protocol === 'h2' ? exchange.stream : exchange.res;
    if (!cut && response.file && !exchange.head) {
      this.streamFile(response.file.path, out, entry);
      return;
    }
    const body = exchange.head ? Buffer.alloc(0) : response.body;
    if (!cut) {
      out.end(body);
      entry.bytes = body.length;
      return;
    }
    const head = body.subarray(0, cut.afterBytes);
    entry.bytes = head.length;
    if (cut.action === 'stall') {
      // http/1.1 holds the headers back until the first body byte
      if (head.length > 0) out.write(head);
      else if (exchange.protocol === 'h1') exchange.res.flushHeaders();
      return;
    }
    if (exchange.protocol !== 'h2') return;
    const { stream } = exchange;
    // a reset discards DATA still queued (e.g. beyond the flow-control window): reset once the head is out
    stream.write(head, () => {
      if (!stream.destroyed) stream.close(cut.code);
    });
  }

  /** A file body from disk, with the connection's backpressure: a project's zips are never all in memory. */
  private streamFile(path: string, out: NodeJS.WritableStream & { destroy(): void; once(event: 'close', listener: () => void): unknown }, entry: OriginRequestLogEntry): void {
    const file = createReadStream(path);
    file.on('data', (chunk) => (entry.bytes += chunk.length));
    file.once('error', () => out.destroy());
    out.once('close', () => file.destroy());
    file.pipe(out);
  }

  /** GOAWAY naming this stream as the last one processed; the session ends once its open streams are done. */
  private goAway(stream: http2.ServerHttp2Stream, code: number): void {
    const session = stream.session;
    if (!session || session.closed || session.destroyed || stream.id === undefined) return;
    session.goaway(code, stream.id);
    session.close();
  }
}
