import net from 'node:net';
import tls from 'node:tls';
import { TrialClock } from '../faults/window.ts';
import { debug } from '../log.ts';
import type { KeyPairPem } from '../tls/ca.ts';
import { parseClientHello, type ClientHelloResult } from './client-hello.ts';
import { replaying } from './replaying.ts';
import { GoRelay, type RelayClosed, type RelayWan } from './relay.ts';
import { FirewallRules, type FirewallFault } from './rules.ts';

const log = debug('firewall');

export interface FirewallRoute {
  host: string;
  port: number;
}

type FirewallAction =
  | 'forwarded'
  | 'reset-unknown-sni'
  | 'dropped-no-sni'
  | 'reset-invalid-hello'
  | 'reset-direct-egress'
  | 'upstream-failed'
  | FirewallFault['kind'];

export interface FirewallConnectionLogEntry {
  id: number;
  /** ms since the firewall started. */
  atMs: number;
  from: string;
  sni: string | undefined;
  alpn: string[];
  action: FirewallAction;
  bytesUp: number;
  bytesDown: number;
  durationMs: number;
}

export interface FirewallOptions {
  /** `relay: 'node'` (bench:harness's comparison tap): this entrance forwards through node whatever `relay` says. */
  listen: ReadonlyArray<{ host: string; port: number; relay?: 'node' }>;
  /** SNI (lower case) to the WAN link that carries that host. */
  routes: ReadonlyMap<string, FirewallRoute>;
  /** The harness CA: trusted on the upstream side of an inspecting (MITM) connection. */
  harnessCaPem: string;
  /** Certificates of the corporate inspection CA, per host, for tls-mitm. */
  inspectionCertificates: Readonly<Record<string, KeyPairPem>>;
  /** When set, only connections from this address pass (direct egress blocked: the corporate proxy is mandatory). */
  onlyFrom?: string;
  /** How long a client may take to send its ClientHello. */
  helloTimeoutMs?: number;
  clock?: TrialClock;
  /**
   * Where a forwarded connection's bytes flow once the firewall has decided: 'go' hands the
   * socket to the Go relay (relay.ts; node when it is not built), 'node' (the default) pipes here.
   */
  relay?: 'go' | 'node';
  /** The WAN (Toxiproxy's API) runs in the Go relay: the relay must start (relay 'go'). */
  wan?: RelayWan;
}

/**
 * The network edge every TLS connection crosses: reads the ClientHello, applies the TLS/SNI rules,
 * routes by SNI to that host's WAN link and then passes bytes through untouched (or, under
 * tls-mitm, terminates TLS with the inspection CA's certificate).
 */
export class Firewall {
  readonly connections: FirewallConnectionLogEntry[] = [];
  readonly rules = new FirewallRules();
  private readonly options: FirewallOptions;
  private readonly clock: TrialClock;
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket | tls.TLSSocket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Brings the byte counts of the open forwarded connections up to date. */
  private readonly counters = new Set<() => void>();
  /** Forwarded connections the Go relay carries, until it reports them closed. */
  private readonly handedOver = new Map<number, { entry: FirewallConnectionLogEntry; handedAt: number }>();
  private relay: GoRelay | undefined;
  /** The zero of the log's atMs (performance.now() in this process). */
  readonly startedAt = performance.now();
  private nextId = 1;

  constructor(options: FirewallOptions) {
    this.options = options;
    this.clock = options.clock ?? new TrialClock();
  }

  /** The trial's TLS/SNI faults (every component: setFaults / clearFaults / drainLog). */
  setFaults(faults: readonly FirewallFault[]): void {
    this.rules.setFaults(faults);
  }

  clearFaults(): void {
    this.rules.clear();
  }

  /**
   * The connections logged since the last drain; the log starts empty again. The Go relay's
   * open connections have the counts of its last report: `settle()` first brings them up to date.
   */
  drainLog(): FirewallConnectionLogEntry[] {
    for (const count of this.counters) count();
    return this.connections.splice(0);
  }

  /** Where forwarded bytes flow: 'go' once the Go relay runs (after start()), else 'node'. */
  get relaying(): 'go' | 'node' {
    return this.relay?.alive ? 'go' : 'node';
  }

  /** Brings the Go relay's open connections up to date (their bytes so far), and its closes in. */
  async settle(): Promise<void> {
    if (!this.relay || this.handedOver.size === 0) return;
    for (const [id, up, down] of await this.relay.openCounts()) {
      const carried = this.handedOver.get(id);
      if (carried) Object.assign(carried.entry, { bytesUp: up, bytesDown: down });
    }
  }

  /** A firewall that did not start has stopped what it started (its relay, the WAN in it). */
  async start(): Promise<void> {
    try {
      if (this.options.relay === 'go') this.relay = await GoRelay.start((report) => this.relayed(report), this.options.wan);
      for (const { host, port } of this.options.listen) {
        const server = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
        this.servers.push(server);
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, host, () => resolve());
        });
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
    // A server that handed sockets over asks the relay for them when it closes (node's handle
    // passing): the question is sent before the relay stops, whose exit then answers it. A relay
    // that died on its own cannot be asked; node would wait forever, so that wait is bounded.
    const unasked = this.relay !== undefined && !this.relay.alive;
    const closed = Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    await this.relay?.stop();
    await (unasked ? Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]) : closed);
  }

  private track<T extends net.Socket | tls.TLSSocket>(socket: T): T {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    return socket;
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private accept(client: net.Socket): void {
    this.track(client);
    const acceptedAt = performance.now();
    const entry: FirewallConnectionLogEntry = {
      id: this.nextId++,
      atMs: acceptedAt - this.startedAt,
      from: client.remoteAddress ?? '',
      sni: undefined,
      alpn: [],
      action: 'forwarded',
      bytesUp: 0,
      bytesDown: 0,
      durationMs: 0,
    };
    this.connections.push(entry);
    client.on('error', () => {});
    client.once('close', () => (entry.durationMs = performance.now() - acceptedAt));
    if (this.options.onlyFrom && entry.from !== this.options.onlyFrom) {
      entry.action = 'reset-direct-egress';
      client.resetAndDestroy();
      return;
    }
    let buffered = Buffer.alloc(0);
    client.setTimeout(this.options.helloTimeoutMs ?? 30_000, () => client.destroy());
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const hello = parseClientHello(buffered);
      if (hello.state === 'need-more') return;
      client.off('data', onData);
      client.pause();
      client.setTimeout(0);
      entry.bytesUp = buffered.length;
      this.decide(client, buffered, hello, entry);
    };
    client.on('data', onData);
  }

  /** The ClientHello is in: reset, drop, hold, delay, inspect or forward, as the rules say. */
  private decide(client: net.Socket, buffered: Buffer, hello: Exclude<ClientHelloResult, { state: 'need-more' }>, entry: FirewallConnectionLogEntry): void {
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
    const rule = this.rules.ruleFor(hello.sni, this.clock.elapsedMs());
    if (rule) entry.action = rule.kind;
    log(entry.id, hello.sni, hello.alpn.join(','), entry.action);
    switch (rule?.kind) {
      case 'sni-reset':
        client.resetAndDestroy();
        return;
      case 'sni-close':
        client.destroySoon();
        return;
      case 'tls-refuse-h2':
        if (hello.alpn.includes('h2')) client.resetAndDestroy();
        else this.forward(client, buffered, route, entry);
        return;
      case 'sni-blackhole':
        // hold the connection open and never answer; it ends when the client gives up
        client.resume();
        return;
      case 'tls-handshake-delay':
        this.later(rule.delay, () => !client.destroyed && this.forward(client, buffered, route, entry));
        return;
      case 'tls-mitm':
        this.inspect(client, buffered, route, entry, hello.sni, rule.alpn ?? ['h2', 'http/1.1']);
        return;
      default:
        this.forward(client, buffered, route, entry);
    }
  }

  private forward(client: net.Socket, firstBytes: Buffer, route: FirewallRoute, entry: FirewallConnectionLogEntry): void {
    const nodeOnly = this.options.listen.some((l) => l.relay === 'node' && l.port === client.localPort);
    if (!nodeOnly && this.relay?.handOver(client, firstBytes, entry.id, route)) {
      // the socket object no longer has its fd: it never closes here, the relay reports it
      this.sockets.delete(client);
      client.removeAllListeners('close');
      this.handedOver.set(entry.id, { entry, handedAt: performance.now() });
      return;
    }
    const upstream = this.track(net.connect({ host: route.host, port: route.port, noDelay: true }));
    // the sockets count the bytes; the entry reads them when the log is read or the connection
    // closes: nothing runs per chunk on the path but the pipes
    const count = () => {
      entry.bytesUp = client.bytesRead;
      entry.bytesDown = upstream.bytesRead;
    };
    this.counters.add(count);
    upstream.once('connect', () => {
      upstream.write(firstBytes);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (upstream.bytesRead === 0) entry.action = 'upstream-failed';
      log('upstream error', entry.id, err.code);
      // Pass a reset on as a reset, so the client sees what the network did.
      if (err.code === 'ECONNRESET' || err.code === 'ECONNREFUSED') client.resetAndDestroy();
      else client.destroy();
    });
    client.on('error', () => upstream.resetAndDestroy());
    upstream.once('close', () => client.end());
    client.once('close', () => {
      upstream.destroy();
      count();
      this.counters.delete(count);
    });
  }

  /** The Go relay closed a connection: its entry gets what node's pipes would have counted. */
  private relayed({ id, up, down, ms, failed }: RelayClosed): void {
    const carried = this.handedOver.get(id);
    if (!carried) return;
    this.handedOver.delete(id);
    // accepted -> handed over (here), handed over -> closed (the relay's clock)
    const durationMs = carried.handedAt - (this.startedAt + carried.entry.atMs) + ms;
    Object.assign(carried.entry, { bytesUp: up, bytesDown: down, durationMs });
    if (failed) carried.entry.action = 'upstream-failed';
  }

  /** Corporate TLS inspection: terminate the client's TLS here, open our own TLS to the origin. */
  private inspect(client: net.Socket, firstBytes: Buffer, route: FirewallRoute, entry: FirewallConnectionLogEntry, sni: string, alpn: string[]): void {
    const certificate = this.options.inspectionCertificates[sni];
    if (!certificate) {
      client.resetAndDestroy();
      return;
    }
    const clientTls = this.track(
      new tls.TLSSocket(replaying(client, firstBytes), {
        isServer: true,
        secureContext: tls.createSecureContext({ cert: certificate.certPem, key: certificate.keyPem }),
        ALPNProtocols: alpn,
      }),
    );
    clientTls.on('error', () => client.destroy());
    clientTls.once('secure', () => {
      const negotiated = clientTls.alpnProtocol || 'http/1.1';
      const upstream = this.track(
        tls.connect({ host: route.host, port: route.port, servername: sni, ca: this.options.harnessCaPem, ALPNProtocols: [negotiated] }),
      );
      upstream.once('secureConnect', () => {
        clientTls.on('data', (chunk: Buffer) => (entry.bytesUp += chunk.length));
        upstream.on('data', (chunk: Buffer) => (entry.bytesDown += chunk.length));
        clientTls.pipe(upstream);
        upstream.pipe(clientTls);
      });
      upstream.on('error', () => clientTls.destroy());
      upstream.once('close', () => clientTls.end());
      clientTls.once('close', () => upstream.destroy());
    });
  }
}
