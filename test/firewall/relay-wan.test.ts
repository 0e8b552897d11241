import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findGo } from '../../src/client/toolchain.ts';
import { ensureRelay } from '../../src/firewall/relay.ts';
import { Firewall } from '../../src/firewall/server.ts';
import { createCertificateAuthority, type CertificateAuthority } from '../../src/tls/ca.ts';
import { TOXIPROXY_VERSION } from '../../src/wan/toxiproxy-binary.ts';
import { Wan } from '../../src/wan/toxiproxy.ts';

/**
 * The Go relay as the WAN (relay/wan.go): Toxiproxy's server in the relay's process. A forwarded
 * connection to a link without toxics enters the link in-process (no socket to the link's
 * listener); with a toxic on the link it crosses the listener as before; a link taken down
 * (tcp-down) closes the connections it carries either way.
 */
// below the kernel's ephemeral ports (32768-60999), apart from relay.test.ts's 30000-40000
const base = 20_000 + Math.floor(Math.random() * 10_000);
const ports = { firewall: base, api: base + 1, link: base + 2 };
const HOST = 'held.example';
const PAYLOAD = 200_000;
let ca: CertificateAuthority;
let firewall: Firewall;
let wan: Wan;
let origin: tls.Server;

beforeAll(async () => {
  ensureRelay(findGo(), () => {});
  ca = await createCertificateAuthority();
  const leaf = await ca.issue([HOST]);
  // sends the payload and holds the connection open until the client ends it
  origin = tls.createServer({ cert: leaf.certPem, key: leaf.keyPem }, (s) => {
    s.write(Buffer.alloc(PAYLOAD, 7));
    s.on('data', () => {});
    s.on('end', () => s.end());
  });
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', () => r()));
  const logFile = join(await mkdtemp(join(tmpdir(), 'relay-wan-')), 'toxiproxy.log');
  firewall = new Firewall({
    listen: [{ host: '127.0.0.1', port: ports.firewall }],
    routes: new Map([[HOST, { host: '127.0.0.1', port: ports.link }]]),
    harnessCaPem: '',
    inspectionCertificates: {},
    relay: 'go',
    wan: { apiHost: '127.0.0.1', apiPort: ports.api, logFile },
  });
  await firewall.start();
  wan = await Wan.answering({ binary: '', apiHost: '127.0.0.1', apiPort: ports.api, logFile });
  await wan.addLinks([{ name: HOST, listen: `127.0.0.1:${ports.link}`, upstream: `127.0.0.1:${(origin.address() as net.AddressInfo).port}` }]);
});
afterAll(async () => {
  await firewall?.stop();
  origin?.close();
});

/** A connection through the firewall once the whole payload came back; `closed` settles when it ends. */
async function connect(): Promise<{ socket: tls.TLSSocket; closed: Promise<void> }> {
  let received = 0;
  const socket = tls.connect({ host: '127.0.0.1', port: ports.firewall, servername: HOST, ca: ca.certPem });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.on('data', (d: Buffer) => (received += d.length) >= PAYLOAD && resolve());
    void closed.then(() => reject(new Error(`closed after ${received} bytes`)));
  });
  return { socket, closed };
}

/** Established TCP sockets (in this namespace) whose peer is the link's listener. */
function socketsToLink(): number {
  const hexPort = ports.link.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[2]?.endsWith(`:${hexPort}`) && f[3] === '01').length;
}

async function settledEntry() {
  const deadline = Date.now() + 5_000;
  while (firewall.connections.at(-1)?.durationMs === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await firewall.settle();
  return firewall.drainLog().at(-1);
}

describe('the Go relay as the WAN', () => {
  it('a link without toxics: the connection enters it in-process, and the log counts its bytes', async () => {
    const { socket, closed } = await connect();
    expect(socketsToLink()).toBe(0);
    socket.end();
    await closed;
    const entry = await settledEntry();
    expect(entry).toMatchObject({ sni: HOST, action: 'forwarded' });
    // the origin's socket (TCP_INFO): the payload in TLS records, and the client's TLS messages
    expect(entry?.bytesDown).toBeGreaterThan(PAYLOAD);
    expect(entry?.bytesDown).toBeLessThan(PAYLOAD + 10_000);
    expect(entry?.bytesUp).toBeGreaterThan(200);
    expect(entry?.bytesUp).toBeLessThan(5_000);
  });

  it('a link with a toxic: the connection crosses the link\'s listener, as without the in-process path', async () => {
    const undo = await wan.applyFault({ kind: 'tcp-latency', latency: 1, match: HOST }, 'f0');
    try {
      const { socket, closed } = await connect();
      expect(socketsToLink()).toBe(1);
      socket.end();
      await closed;
    } finally {
      await undo();
    }
  });

  it('links the Toxiproxy version the harness installs as toxiproxy-server', () => {
    const goMod = readFileSync(new URL('../../src/firewall/relay/go.mod', import.meta.url), 'utf8');
    expect(goMod).toContain(`github.com/Shopify/toxiproxy/v2 ${TOXIPROXY_VERSION}\n`);
  });

  it('a WAN that cannot listen fails the firewall\'s start at once, with why, and leaves no relay', async () => {
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(ports.api + 3, '127.0.0.1', () => r()));
    const logFile = join(await mkdtemp(join(tmpdir(), 'relay-wan-')), 'toxiproxy.log');
    const second = new Firewall({ listen: [{ host: '127.0.0.1', port: ports.api + 4 }], routes: new Map(), harnessCaPem: '', inspectionCertificates: {}, relay: 'go', wan: { apiHost: '127.0.0.1', apiPort: ports.api + 3, logFile } });
    const started = performance.now();
    try {
      await expect(second.start()).rejects.toThrow(/the WAN \(Toxiproxy in the firewall's relay\) did not start: the relay exited .*address already in use/);
    } finally {
      busy.close();
    }
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(second.relaying).toBe('node');
  });

  it('tcp-down closes a connection the link carries in-process', async () => {
    const { closed } = await connect();
    const undo = await wan.applyFault({ kind: 'tcp-down', match: HOST }, 'f1');
    try {
      await closed;
    } finally {
      await undo();
    }
  });
});
