import http from 'node:http';
import net from 'node:net';
import { Resolver } from 'node:dns/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { TrialClock } from '../faults/window.ts';
import { debug } from '../log.ts';
import { ProxyPolicy, type ProxyFault } from './faults.ts';
import { dialUpstream, resolveA, UpstreamFailure } from './upstream.ts';

const log = debug('proxy');

export type { ProxyFault } from './faults.ts';

const MAX_HEAD_BYTES = 16 * 1024;
/** How long a client may take to send its request head. */
const HEAD_TIMEOUT_MS = 30_000;
/** How often node:http looks for connections past HEAD_TIMEOUT_MS (its default is 30 s). */
const HEAD_TIMEOUT_CHECK_MS = 1_000;
/**
 * Upper bound per try (c-ares shortens it for a nameserver that has answered fast before and
 * lengthens later tries): a dead nameserver costs the client between 2 and about 7 s.
 */
const DNS_TIMEOUT_MS = 2_000;
const DNS_TRIES = 2;
/** Below Go's own 1-minute CONNECT deadline, so the client sees the proxy's 504 rather than its own timeout. */
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** After an error answer, how long to keep draining the client before closing for good. */
const LINGER_MS = 2_000;

const REASON_PHRASES: Record<number, string> = {
  200: 'Connection established',
  400: 'Bad Request',
  403: 'Forbidden',
  405: 'Method Not Allowed',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  502: 'Bad Gateway',
  504: 'Gateway Timeout',
};

export interface ProxyLogEntry {
  /** ms since the proxy started. */
  atMs: number;
  /** The CONNECT target host (lower case, without brackets); '' when the request never named one. */
  target: string;
  port: number;
  /** The status the proxy answered; 0 when the client left before any answer. */
  status: number;
  /** The IPv4 address the proxy connected (or tried to connect) to. */
  resolved?: string;
  /** From accept until the client connection closed (0 while it is open). */
  durationMs: number;
  /** Tunnel bytes client → upstream, including bytes sent right after the request head. */
  bytesUp: number;
  /** Tunnel bytes upstream → client. */
  bytesDown: number;
  /** The kind of the fault that decided the answer (or added latency to it). */
  fault?: string;
  /** Why the proxy refused or failed, as sent in the response body. */
  reason?: string;
}

export interface ConnectProxyOptions {
  address: string;
  port: number;
  /** The nameserver the proxy resolves CONNECT targets with (the run's fake DNS). */
  resolver: { address: string; port: number };
  /** Local address for upstream connections, so the firewall can tell proxy traffic from direct traffic. */
  sourceAddress?: string;
  /** Timed fault windows follow it; without one, the proxy's own clock starts with start(). */
  clock?: TrialClock;
  connectTimeoutMs?: number;
}

/**
 * Parses a CONNECT request target, `host:port` or `[v6]:port`: lower case, without brackets or
 * a trailing dot; undefined when it is not one.
 */
export function parseConnectTarget(authority: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9_.-]+)):(\d{1,5})$/.exec(authority);
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65_535) return undefined;
  if (match[1] !== undefined) return net.isIPv6(match[1]) ? { host: match[1].toLowerCase(), port } : undefined;
  const host = match[2]!.toLowerCase().replace(/\.$/, '');
  if (host === '' || host.length > 253 || host.startsWith('.') || host.includes('..')) return undefined;
  return { host, port };
}

/** The answer and reason for a request head node:http refused to parse. */
function clientErrorAnswer(code: string | undefined): { status: number; reason: string } {
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 400, reason: 'request head too large' };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, reason: 'no complete request head in time' };
  return { status: 400, reason: `malformed request head (${code ?? 'parse error'})` };
}

interface ProxyConnection {
  client: net.Socket;
  entry: ProxyLogEntry;
  /** Aborted when the client connection closes: stops waits and upstream attempts made for it. */
  signal: AbortSignal;
  phase: 'head' | 'deciding' | 'tunnel' | 'closing';
}

/**
 * The corporate explicit proxy that clients reach through HTTPS_PROXY: answers CONNECT
 * host:port by resolving the host with the fake DNS (as a real proxy does, so the client never
 * resolves it) and tunnelling bytes untouched. Deny-list, authentication and latency faults
 * are decided here.
 */
export class ConnectProxy {
  readonly log: ProxyLogEntry[] = [];
  private readonly options: ConnectProxyOptions;
  private readonly clock: TrialClock;
  private readonly ownsClock: boolean;
  private readonly policy = new ProxyPolicy();
  private readonly sockets = new Set<net.Socket>();
  /** The zero of the log's atMs (performance.now() in this process; set again by start()). */
  startedAt = performance.now();
  private server: http.Server | undefined;
  /** Each accepted client's connection state, from accept to close. */
  private readonly connections = new WeakMap<net.Socket, ProxyConnection>();
  private resolver: Resolver | undefined;

  constructor(options: ConnectProxyOptions) {
    this.options = options;
    this.ownsClock = options.clock === undefined;
    this.clock = options.clock ?? new TrialClock();
  }

  async start(): Promise<void> {
    this.resolver = new Resolver({ timeout: DNS_TIMEOUT_MS, tries: DNS_TRIES });
    this.resolver.setServers([`${this.options.resolver.address}:${this.options.resolver.port}`]);
    // node:http parses the head and hands the socket over on 'connect'; its sockets are
    // half-open, so a client that half-closes its side of the tunnel still gets the upstream's answer.
    const server = http.createServer({
      noDelay: true,
      maxHeaderSize: MAX_HEAD_BYTES,
      headersTimeout: HEAD_TIMEOUT_MS,
      requestTimeout: 0,
      connectionsCheckingInterval: HEAD_TIMEOUT_CHECK_MS,
    });
    server.on('connection', (socket: net.Socket) => this.accept(socket));
    server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => this.onConnect(req, socket, head));
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => this.onOtherMethod(req, res));
    server.on('clientError', (err: NodeJS.ErrnoException, socket: net.Socket) => this.onClientError(err, socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.address, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => log('server error', err.message));
    this.server = server;
    this.startedAt = performance.now();
    if (this.ownsClock) this.clock.start(this.startedAt);
  }

  async stop(): Promise<void> {
    this.resolver?.cancel();
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  setFaults(faults: readonly ProxyFault[]): void {
    this.policy.setFaults(faults);
  }

  /** How many CONNECTs each fault acted on since the faults were set. */
  faultsActed(): Record<string, number> {
    return this.policy.acted.snapshot();
  }

  clearFaults(): void {
    this.policy.clear();
  }

  /** The CONNECTs logged since the last drain; the log starts empty again. */
  drainLog(): ProxyLogEntry[] {
    return this.log.splice(0);
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private accept(client: net.Socket): void {
    this.track(client);
    const acceptedAt = performance.now();
    const entry: ProxyLogEntry = { atMs: acceptedAt - this.startedAt, target: '', port: 0, status: 0, durationMs: 0, bytesUp: 0, bytesDown: 0 };
    this.log.push(entry);
    const aborter = new AbortController();
    const conn: ProxyConnection = { client, entry, signal: aborter.signal, phase: 'head' };
    this.connections.set(client, conn);
    client.on('error', (err: NodeJS.ErrnoException) => log('client error', entry.target, err.code ?? err.message));
    client.once('close', () => {
      entry.durationMs = performance.now() - acceptedAt;
      aborter.abort();
    });
  }

  /** A CONNECT head: node:http parsed it and hands over the socket and the bytes after the head. */
  private onConnect(req: http.IncomingMessage, client: net.Socket, earlyBytes: Buffer): void {
    const conn = this.connections.get(client);
    if (!conn) return void client.destroy();
    // The tunnel's end is handled by the pipes; before it, a client that stops sending is gone.
    client.on('end', () => {
      if (conn.phase !== 'tunnel') client.destroy();
    });
    client.pause();
    const target = parseConnectTarget(req.url ?? '');
    if (!target) return this.refuse(conn, 400, 'CONNECT target must be host:port');
    conn.entry.target = target.host;
    conn.entry.port = target.port;
    conn.phase = 'deciding';
    void this.decide(conn, target.host, target.port, req.headers['proxy-authorization'], earlyBytes);
  }

  /** Any method but CONNECT: 405, the way a CONNECT-only proxy answers. */
  private onOtherMethod(req: http.IncomingMessage, res: http.ServerResponse): void {
    const reason = `method ${req.method} is not supported, only CONNECT`;
    const conn = this.connections.get(req.socket);
    if (conn) {
      conn.phase = 'closing';
      conn.entry.status = 405;
      conn.entry.reason = reason;
    }
    log('refuse', '-', 405, reason);
    res.shouldKeepAlive = false;
    const body = `${reason}\n`;
    res.writeHead(405, REASON_PHRASES[405], { Allow: 'CONNECT', 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
    res.end(body);
    req.resume();
  }

  /** A head node:http could not parse (malformed, too large, or not complete in time). */
  private onClientError(err: NodeJS.ErrnoException, client: net.Socket): void {
    const conn = this.connections.get(client);
    if (!conn || !client.writable) return void client.destroy();
    const { status, reason } = clientErrorAnswer(err.code);
    this.refuse(conn, status, reason);
  }

  private async decide(conn: ProxyConnection, host: string, port: number, proxyAuthorization: string | undefined, earlyBytes: Buffer): Promise<void> {
    const { entry, signal } = conn;
    try {
      const latencyMs = this.policy.latencyMs(host, this.clock.elapsedMs());
      if (latencyMs > 0) {
        entry.fault = 'proxy-latency';
        await sleep(latencyMs, undefined, { signal });
      }
      // Sampled after the wait: the policy applies at the moment the proxy decides.
      const refusal = this.policy.refusal(host, proxyAuthorization, this.clock.elapsedMs());
      if (refusal) {
        entry.fault = refusal.kind;
        const extraHeaders = refusal.status === 407 ? ['Proxy-Authenticate: Basic realm="corp"'] : [];
        return this.refuse(conn, refusal.status, refusal.reason, extraHeaders);
      }
      const address = net.isIP(host) ? host : await resolveA(this.resolver, host);
      entry.resolved = address;
      const upstream = await dialUpstream({ address, port, sourceAddress: this.options.sourceAddress, timeoutMs: this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, signal });
      this.track(upstream);
      this.tunnel(conn, upstream, earlyBytes);
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof UpstreamFailure) return this.refuse(conn, err.status, err.message);
      log('unexpected', entry.target, String(err));
      conn.client.destroy();
    }
  }

  private tunnel(conn: ProxyConnection, upstream: net.Socket, earlyBytes: Buffer): void {
    const { client, entry } = conn;
    if (client.destroyed) {
      upstream.destroy();
      return;
    }
    conn.phase = 'tunnel';
    entry.status = 200;
    client.write('HTTP/1.1 200 Connection established\r\n\r\n');
    if (earlyBytes.length > 0) {
      entry.bytesUp += earlyBytes.length;
      upstream.write(earlyBytes);
    }
    client.on('data', (chunk: Buffer) => (entry.bytesUp += chunk.length));
    upstream.on('data', (chunk: Buffer) => (entry.bytesDown += chunk.length));
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      log('upstream error', entry.target, err.code ?? err.message);
      // Pass a reset on as a reset, so the client sees what the upstream did.
      if (err.code === 'ECONNRESET') client.resetAndDestroy();
      else client.destroy();
    });
    client.on('error', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
    upstream.once('close', () => {
      if (!client.destroyed) client.end();
    });
    client.once('close', () => upstream.destroy());
    log('tunnel', entry.target, entry.port, entry.resolved);
  }

  private refuse(conn: ProxyConnection, status: number, reason: string, extraHeaders: readonly string[] = []): void {
    const { client, entry } = conn;
    if (conn.phase === 'closing' || client.destroyed) return;
    conn.phase = 'closing';
    entry.status = status;
    entry.reason = reason;
    log('refuse', entry.target || '-', status, reason);
    const body = `${reason}\n`;
    const head = [`HTTP/1.1 ${status} ${REASON_PHRASES[status] ?? 'Error'}`, ...extraHeaders, 'Content-Type: text/plain; charset=utf-8', `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close'];
    client.end(`${head.join('\r\n')}\r\n\r\n${body}`);
    // Keep reading what the client still sends: closing with unread data would reset the
    // connection and the client could lose the answer.
    client.resume();
    client.setTimeout(LINGER_MS, () => client.destroy());
  }
}
