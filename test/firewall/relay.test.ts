import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findGo } from '../../src/client/toolchain.ts';
import { ensureRelay } from '../../src/firewall/relay.ts';
import { Firewall } from '../../src/firewall/server.ts';
import { createCertificateAuthority, type CertificateAuthority } from '../../src/tls/ca.ts';

/**
 * The Go relay (src/firewall/relay.ts) carries forwarded connections: the bytes reach the client,
 * the log counts exactly what crossed each side, and an upstream reset reaches the client as a reset.
 */
const port = 30_000 + Math.floor(Math.random() * 10_000);
const PAYLOAD = 300_000;
let ca: CertificateAuthority;
let firewall: Firewall;
let upstream: tls.Server;
let resetting: net.Server;
let closedPort: number;
/** What each upstream TCP socket read and wrote, in order of close. */
const upstreamSides: Array<{ read: number; written: number }> = [];

const route = (p: number) => ({ host: '127.0.0.1', port: p });

beforeAll(async () => {
  ensureRelay(findGo(), () => {});
  ca = await createCertificateAuthority();
  const leaf = await ca.issue(['big.example', 'reset.example', 'refused.example']);
  upstream = tls.createServer({ cert: leaf.certPem, key: leaf.keyPem }, (s) => s.end(Buffer.alloc(PAYLOAD, 7)));
  upstream.on('connection', (raw: net.Socket) => raw.once('close', () => upstreamSides.push({ read: raw.bytesRead, written: raw.bytesWritten })));
  // takes the ClientHello and resets: the client must see what the network did
  resetting = net.createServer((s) => s.once('data', () => s.resetAndDestroy()));
  const spare = net.createServer();
  await Promise.all([upstream, resetting, spare].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()))));
  closedPort = (spare.address() as net.AddressInfo).port;
  await new Promise((r) => spare.close(r));
  firewall = new Firewall({
    listen: [{ host: '127.0.0.1', port }],
    routes: new Map([
      ['big.example', route((upstream.address() as net.AddressInfo).port)],
      ['reset.example', route((resetting.address() as net.AddressInfo).port)],
      ['refused.example', route(closedPort)],
    ]),
    harnessCaPem: ca.certPem,
    inspectionCertificates: {},
    relay: 'go',
  });
  await firewall.start();
});
afterAll(async () => {
  await firewall?.stop();
  upstream?.close();
  resetting?.close();
});

/** The relay reports a close on its channel a moment after the client saw it: wait for the report. */
async function closedEntries(n: number) {
  const deadline = Date.now() + 5_000;
  while (firewall.connections.slice(-n).some((e) => e.durationMs === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await firewall.settle();
  return firewall.drainLog();
}

function download(servername: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let received = 0;
    const socket = tls.connect({ host: '127.0.0.1', port, servername, ca: ca.certPem });
    socket.on('data', (d: Buffer) => (received += d.length));
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
  });
}

describe('the Go relay', () => {
  it('carries a forwarded connection and the log counts what each side sent', async () => {
    expect(firewall.relaying).toBe('go');
    expect(await download('big.example')).toBe(PAYLOAD);
    const entry = (await closedEntries(1)).at(-1);
    const sides = upstreamSides.at(-1);
    expect(entry).toMatchObject({ sni: 'big.example', action: 'forwarded', bytesUp: sides?.read, bytesDown: sides?.written });
    expect(entry?.bytesDown).toBeGreaterThan(PAYLOAD);
    expect(entry?.durationMs).toBeGreaterThan(0);
  });

  it('passes an upstream reset and a refused upstream on to the client as resets', async () => {
    await expect(download('reset.example')).rejects.toMatchObject({ code: 'ECONNRESET' });
    await expect(download('refused.example')).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect((await closedEntries(2)).map((e) => [e.sni, e.action, e.bytesDown])).toEqual([
      ['reset.example', 'upstream-failed', 0],
      ['refused.example', 'upstream-failed', 0],
    ]);
  });
});
