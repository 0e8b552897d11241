import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDRESSES } from '../../src/topology/addresses.ts';
import { startFirewallProcess } from '../../src/topology/firewall-process.ts';
import type { TrialHost } from '../../src/topology/hosts.ts';
import type { LayeredFaults } from '../../src/faults/catalog.ts';
import { createRandom } from '../../src/random.ts';
import { createCertificateAuthority, type CertificateAuthority } from '../../src/tls/ca.ts';

const port = 30_000 + Math.floor(Math.random() * 10_000);
let ca: CertificateAuthority;
let upstream: tls.Server;
let firewall: TrialHost;

const faults = (firewallFaults: LayeredFaults['firewall']) => ({ firewall: firewallFaults }) as unknown as LayeredFaults;

beforeAll(async () => {
  ca = await createCertificateAuthority();
  const leaf = await ca.issue(['proxy.golang.org']);
  // stands in for the WAN link: a TLS server that says which protocol it got
  upstream = tls.createServer({ cert: leaf.certPem, key: leaf.keyPem, ALPNProtocols: ['h2'] }, (s) => s.end(`hello over ${s.alpnProtocol}`));
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  const addresses = { ...ADDRESSES, firewall: '127.0.0.1', firewallV6: undefined, httpsPort: port, wan: '127.0.0.1', wanFirstPort: (upstream.address() as net.AddressInfo).port };
  firewall = await startFirewallProcess({ addresses, hosts: [{ name: 'proxy.golang.org' }], pki: { caCertPem: ca.certPem, inspectionCertificates: {} } });
});
afterAll(async () => {
  await firewall?.stop();
  upstream.close();
});

function talk(): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'proxy.golang.org', ca: ca.certPem, ALPNProtocols: ['h2'] }, () => {
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('end', () => resolve(text));
    });
    socket.on('error', reject);
  });
}

describe('the SNI firewall in its own process', () => {
  it('relays, logs with byte counts, and times a rule on the parent clock', async () => {
    expect(await talk()).toBe('hello over h2');
    const logs = await firewall.logs();
    expect(logs.firewall?.at(-1)).toMatchObject({ sni: 'proxy.golang.org', action: 'forwarded' });
    expect(logs.firewall?.at(-1)?.bytesDown).toBeGreaterThan(0);
    await firewall.end();
    expect((await firewall.logs()).firewall).toEqual([]);

    // a reset from 300 ms on the trial clock: passes before, resets after
    await firewall.begin(faults([{ kind: 'sni-reset', match: 'proxy.golang.org', from: 300 }]), createRandom(1), 1);
    await firewall.startClock();
    expect(await talk()).toBe('hello over h2');
    await new Promise((r) => setTimeout(r, 350));
    await expect(talk()).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect((await firewall.logs()).firewallActed).toEqual({ 'sni-reset proxy.golang.org': 1 });
    await firewall.end();
    expect(await talk()).toBe('hello over h2');
  });

  it('stop ends the process: the port is free again', async () => {
    await firewall.stop();
    const probe = net.createServer();
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
    probe.close();
  });
});
