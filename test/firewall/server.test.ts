import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Firewall } from '../../src/firewall/server.ts';
import { TrialClock } from '../../src/faults/window.ts';
import { createCertificateAuthority, type CertificateAuthority, type KeyPairPem } from '../../src/tls/ca.ts';

const port = 30_000 + Math.floor(Math.random() * 10_000);
const clock = new TrialClock();
let ca: CertificateAuthority;
let inspection: CertificateAuthority;
let inspectionCert: KeyPairPem;
let upstream: tls.Server;
let firewall: Firewall;

beforeAll(async () => {
  ca = await createCertificateAuthority();
  inspection = await createCertificateAuthority('Corp TLS Inspection CA');
  inspectionCert = await inspection.issue(['proxy.golang.org']);
  const leaf = await ca.issue(['proxy.golang.org']);
  // the upstream stands in for the WAN link: a TLS server that says which protocol it got
  upstream = tls.createServer({ cert: leaf.certPem, key: leaf.keyPem, ALPNProtocols: ['h2', 'http/1.1'] }, (s) => s.end(`hello over ${s.alpnProtocol}`));
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  firewall = new Firewall({
    listen: [{ host: '127.0.0.1', port }],
    routes: new Map([['proxy.golang.org', { host: '127.0.0.1', port: (upstream.address() as net.AddressInfo).port }]]),
    harnessCaPem: ca.certPem,
    inspectionCertificates: { 'proxy.golang.org': inspectionCert },
    clock,
  });
  await firewall.start();
});
afterAll(async () => {
  await firewall.stop();
  upstream.close();
});

function talk(options: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ...options }, () => {
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('end', () => resolve(text));
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error('closed before the handshake')));
  });
}

describe('SNI firewall over real sockets', () => {
  it('passes TLS through untouched to the route of the SNI', async () => {
    expect(await talk({ servername: 'proxy.golang.org', ca: ca.certPem, ALPNProtocols: ['h2'] })).toBe('hello over h2');
    expect(firewall.connections.at(-1)).toMatchObject({ sni: 'proxy.golang.org', alpn: ['h2'], action: 'forwarded' });
  });

  it('resets an SNI it has no route for, drops a hello without SNI, resets what is not TLS', async () => {
    await expect(talk({ servername: 'unknown.example', rejectUnauthorized: false })).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(firewall.connections.at(-1)?.action).toBe('reset-unknown-sni');
    await expect(talk({ rejectUnauthorized: false })).rejects.toThrow();
    expect(firewall.connections.at(-1)?.action).toBe('dropped-no-sni');
    const plain = net.connect(port, '127.0.0.1', () => plain.write('GET / HTTP/1.1\r\n\r\n'));
    await new Promise((r) => plain.on('error', r).on('close', r));
    expect(firewall.connections.at(-1)?.action).toBe('reset-invalid-hello');
  });

  it('tls-mitm terminates TLS with the inspection CA: trusted only by a client that trusts that CA', async () => {
    firewall.rules.setFaults([{ kind: 'tls-mitm', match: '*', alpn: ['http/1.1'] }]);
    clock.start();
    try {
      await expect(talk({ servername: 'proxy.golang.org', ca: ca.certPem })).rejects.toThrow(/self-signed|unable to verify|certificate/);
      expect(await talk({ servername: 'proxy.golang.org', ca: inspection.certPem, ALPNProtocols: ['h2', 'http/1.1'] })).toBe('hello over http/1.1');
    } finally {
      clock.stop();
      firewall.rules.clear();
    }
  });

  it('a rule applies only inside its window on the trial clock', async () => {
    firewall.rules.setFaults([{ kind: 'sni-reset', match: 'proxy.golang.org', from: 60_000 }]);
    clock.start();
    try {
      expect(await talk({ servername: 'proxy.golang.org', ca: ca.certPem })).toBe('hello over false');
    } finally {
      clock.stop();
      firewall.rules.clear();
    }
  });
});
