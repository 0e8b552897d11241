import net from 'node:net';
import { debug } from '../log.ts';
import { parseClientHello } from './client-hello.ts';

const log = debug('firewall');

export interface FirewallRoute {
  host: string;
  port: number;
}

export type FirewallAction = 'forwarded' | 'reset-unknown-sni' | 'dropped-no-sni' | 'reset-invalid-hello' | 'upstream-failed';

export interface FirewallConnectionLogEntry {
  id: number;
  /** ms since the firewall started. */
  atMs: number;
  sni: string | undefined;
  alpn: string[];
  action: FirewallAction;
  bytesUp: number;
  bytesDown: number;
  durationMs: number;
}

export interface FirewallOptions {
  listen: ReadonlyArray<{ host: string; port: number }>;
  /** SNI (lower case) to the WAN link that carries that host. */
  routes: ReadonlyMap<string, FirewallRoute>;
  /** How long a client may take to send its ClientHello. */
  helloTimeoutMs?: number;
}

/**
 * The network edge every TLS connection crosses: reads the ClientHello, routes by SNI to that
 * host's WAN link and then passes bytes through untouched (TLS passthrough). TLS/SNI faults
 * (reset, blackhole, MITM...) are decided here.
 */
export class Firewall {
  readonly connections: FirewallConnectionLogEntry[] = [];
  private readonly options: FirewallOptions;
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly startedAt = performance.now();
  private nextId = 1;

  constructor(options: FirewallOptions) {
    this.options = options;
  }

  async start(): Promise<void> {
    for (const { host, port } of this.options.listen) {
      const server = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
      this.servers.push(server);
    }
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private accept(client: net.Socket): void {
    this.track(client);
    const id = this.nextId++;
    const acceptedAt = performance.now();
    const entry: FirewallConnectionLogEntry = {
      id,
      atMs: acceptedAt - this.startedAt,
      sni: undefined,
      alpn: [],
      action: 'forwarded',
      bytesUp: 0,
      bytesDown: 0,
      durationMs: 0,
    };
    this.connections.push(entry);
    let buffered = Buffer.alloc(0);
    client.setTimeout(this.options.helloTimeoutMs ?? 30_000, () => client.destroy());
    client.on('error', () => {});
    client.once('close', () => (entry.durationMs = performance.now() - acceptedAt));

    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const hello = parseClientHello(buffered);
      if (hello.state === 'need-more') return;
      client.off('data', onData);
      client.pause();
      client.setTimeout(0);
      entry.bytesUp = buffered.length;
      if (hello.state === 'invalid') {
        entry.action = 'reset-invalid-hello';
        client.resetAndDestroy();
        return;
      }
      entry.sni = hello.sni;
      entry.alpn = hello.alpn;
      if (!hello.sni) {
        entry.action = 'dropped-no-sni';
        client.destroy();
        return;
      }
      const route = this.options.routes.get(hello.sni);
      if (!route) {
        entry.action = 'reset-unknown-sni';
        client.resetAndDestroy();
        return;
      }
      this.forward(client, buffered, route, entry);
    };
    client.on('data', onData);
  }

  private forward(client: net.Socket, firstBytes: Buffer, route: FirewallRoute, entry: FirewallConnectionLogEntry): void {
    const upstream = net.connect({ host: route.host, port: route.port, noDelay: true });
    this.track(upstream);
    upstream.once('connect', () => {
      upstream.write(firstBytes);
      client.on('data', (chunk: Buffer) => (entry.bytesUp += chunk.length));
      upstream.on('data', (chunk: Buffer) => (entry.bytesDown += chunk.length));
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (entry.bytesDown === 0) entry.action = 'upstream-failed';
      log('upstream error', entry.id, err.code);
      // Pass a reset on as a reset, so the client sees what the network did.
      if (err.code === 'ECONNRESET' || err.code === 'ECONNREFUSED') client.resetAndDestroy();
      else client.destroy();
    });
    client.on('error', () => upstream.resetAndDestroy());
    upstream.once('close', () => client.end());
    client.once('close', () => upstream.destroy());
    log('forward', entry.id, entry.sni, `${route.host}:${route.port}`);
  }
}
