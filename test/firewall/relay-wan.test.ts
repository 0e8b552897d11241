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
import { Wan } from '../../src/wan/toxiproxy.ts';

/**
 * The Go relay as the WAN (relay/wan.go): Toxiproxy's server in the relay's process. A forwarded
 * connection to a link without toxics enters the link in-process (no socket to the link's
 * listener); with a toxic on the link it crosses the listener as before; a link taken down
 * (tcp-down) closes the connections it carries either way.
 */
const base = 40_000 + Math.floor(Math.random() * 10_000);
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
    expect(entry?.bytesDown).toBeGreaterThan(PAYLOAD);
    expect(entry?.bytesUp).toBeGreaterThan(0);
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
