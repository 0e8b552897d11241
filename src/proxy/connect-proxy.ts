import net from 'node:net';
import { Resolver } from 'node:dns/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { TrialClock } from '../faults/window.ts';
import { debug } from '../log.ts';
import { ProxyPolicy, type ProxyFault } from './faults.ts';

const log = debug('proxy');

export type { ProxyFault } from './faults.ts';

const MAX_HEAD_BYTES = 16 * 1024;
/** How long a client may take to send its request head. */
const HEAD_TIMEOUT_MS = 30_000;
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

export type ConnectHead =
  | { state: 'need-more' }
  | { state: 'invalid'; status: 400 | 405; reason: string }
  | { state: 'ok'; host: string; port: number; headers: ReadonlyMap<string, string>; headBytes: number };

/** Parses an HTTP/1.x request head that should be a CONNECT to host:port. */
export function parseConnectHead(buffer: Buffer, maxHeadBytes = MAX_HEAD_BYTES): ConnectHead {
  const headBytes = endOfHead(buffer);
  if (headBytes === undefined) return buffer.length > maxHeadBytes ? { state: 'invalid', status: 400, reason: 'request head too large' } : { state: 'need-more' };
  if (headBytes > maxHeadBytes) return { state: 'invalid', status: 400, reason: 'request head too large' };
  const lines = buffer.subarray(0, headBytes).toString('latin1').split(/\r?\n/);
  const requestLine = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/1\.[01]$/.exec(lines[0] ?? '');
  if (!requestLine) return { state: 'invalid', status: 400, reason: 'malformed request line' };
  if (requestLine[1] !== 'CONNECT') return { state: 'invalid', status: 405, reason: `method ${requestLine[1]} is not supported, only CONNECT` };
  const target = parseAuthority(requestLine[2]!);
  if (!target) return { state: 'invalid', status: 400, reason: 'CONNECT target must be host:port' };
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const header = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/.exec(line);
    if (!header) return { state: 'invalid', status: 400, reason: 'malformed header line' };
    const name = header[1]!.toLowerCase();
    if (!headers.has(name)) headers.set(name, header[2]!);
  }
  return { state: 'ok', host: target.host, port: target.port, headers, headBytes };
}

/** Byte length of the head including its blank line, or undefined while incomplete (bare LF tolerated). */
function endOfHead(buffer: Buffer): number | undefined {
  for (let i = buffer.indexOf(0x0a); i !== -1; i = buffer.indexOf(0x0a, i + 1)) {
    if (buffer[i + 1] === 0x0a) return i + 2;
    if (buffer[i + 1] === 0x0d && buffer[i + 2] === 0x0a) return i + 3;
  }
  return undefined;
}

function parseAuthority(authority: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9_.-]+)):(\d{1,5})$/.exec(authority);
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65_535) return undefined;
  if (match[1] !== undefined) return net.isIPv6(match[1]) ? { host: match[1].toLowerCase(), port } : undefined;
  const host = match[2]!.toLowerCase().replace(/\.$/, '');
  if (host === '' || host.length > 253 || host.startsWith('.') || host.includes('..')) return undefined;
  return { host, port };
}

class UpstreamFailure extends Error {
  readonly status: 502 | 504;
  constructor(status: 502 | 504, reason: string) {
    super(reason);
    this.status = status;
  }
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
  private server: net.Server | undefined;
  private resolver: Resolver | undefined;

  constructor(options: ConnectProxyOptions) {
    this.options = options;
    this.ownsClock = options.clock === undefined;
    this.clock = options.clock ?? new TrialClock();
  }

  async start(): Promise<void> {
    this.resolver = new Resolver({ timeout: DNS_TIMEOUT_MS, tries: DNS_TRIES });
    this.resolver.setServers([`${this.options.resolver.address}:${this.options.resolver.port}`]);
    // allowHalfOpen: a client that half-closes its side of the tunnel still gets the upstream's answer.
    const server = net.createServer({ noDelay: true, allowHalfOpen: true }, (socket) => this.accept(socket));
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
    client.on('error', (err: NodeJS.ErrnoException) => log('client error', entry.target, err.code ?? err.message));
    client.once('close', () => {
      entry.durationMs = performance.now() - acceptedAt;
      aborter.abort();
    });
    // The tunnel's end is handled by the pipes; before it, a client that stops sending is gone.
    client.on('end', () => {
      if (conn.phase !== 'tunnel') client.destroy();
    });
    client.setTimeout(HEAD_TIMEOUT_MS, () => this.refuse(conn, 408, 'no complete request head in time'));

    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      if (conn.phase !== 'head') return;
      buffered = Buffer.concat([buffered, chunk]);
      const head = parseConnectHead(buffered);
      if (head.state === 'need-more') return;
      client.off('data', onData);
      client.pause();
      client.setTimeout(0);
      if (head.state === 'invalid') return this.refuse(conn, head.status, head.reason, head.status === 405 ? ['Allow: CONNECT'] : []);
      entry.target = head.host;
      entry.port = head.port;
      conn.phase = 'deciding';
      void this.decide(conn, head.host, head.port, head.headers, buffered.subarray(head.headBytes));
    };
    client.on('data', onData);
  }

  private async decide(conn: ProxyConnection, host: string, port: number, headers: ReadonlyMap<string, string>, earlyBytes: Buffer): Promise<void> {
    const { entry, signal } = conn;
    try {
      const latencyMs = this.policy.latencyMs(host, this.clock.elapsedMs());
      if (latencyMs > 0) {
        entry.fault = 'proxy-latency';
        await sleep(latencyMs, undefined, { signal });
      }
      // Sampled after the wait: the policy applies at the moment the proxy decides.
      const refusal = this.policy.refusal(host, headers.get('proxy-authorization'), this.clock.elapsedMs());
      if (refusal) {
        entry.fault = refusal.kind;
        const extraHeaders = refusal.status === 407 ? ['Proxy-Authenticate: Basic realm="corp"'] : [];
        return this.refuse(conn, refusal.status, refusal.reason, extraHeaders);
      }
      const address = net.isIP(host) ? host : await this.resolve(host);
      entry.resolved = address;
      const upstream = await this.connect(address, port, signal);
      this.tunnel(conn, upstream, earlyBytes);
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof UpstreamFailure) return this.refuse(conn, err.status, err.message);
      log('unexpected', entry.target, String(err));
      conn.client.destroy();
    }
  }

  /** A records only: the first answer is the address the proxy connects to. */
  private async resolve(host: string): Promise<string> {
    const resolver = this.resolver;
    if (!resolver) throw new UpstreamFailure(502, 'proxy stopped');
    try {
      const addresses = await resolver.resolve4(host);
      if (addresses[0] === undefined) throw Object.assign(new Error('no A record'), { code: 'ENODATA' });
      return addresses[0];
    } catch (err) {
      throw new UpstreamFailure(502, `DNS lookup of ${host} failed: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }

  private connect(address: string, port: number, signal: AbortSignal): Promise<net.Socket> {
    const timeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const destination = net.isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
    return new Promise<net.Socket>((resolve, reject) => {
      const upstream = net.connect({ host: address, port, localAddress: this.options.sourceAddress, noDelay: true, allowHalfOpen: true });
      this.track(upstream);
      const settle = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        upstream.off('error', onError);
        upstream.off('connect', onConnect);
      };
      const onConnect = () => {
        settle();
        resolve(upstream);
      };
      const onError = (err: NodeJS.ErrnoException) => {
        settle();
        upstream.destroy();
        reject(new UpstreamFailure(502, `connect to ${destination} failed: ${err.code ?? err.message}`));
      };
      const onAbort = () => {
        settle();
        upstream.destroy();
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        settle();
        upstream.destroy();
        reject(new UpstreamFailure(504, `connect to ${destination} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      upstream.once('connect', onConnect);
      upstream.once('error', onError);
      signal.addEventListener('abort', onAbort, { once: true });
    });
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
