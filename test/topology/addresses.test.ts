import { describe, expect, it } from 'vitest';
import { clientFiles } from '../../src/client/traps.ts';
import { ADDRESSES, containerAddresses } from '../../src/topology/addresses.ts';
import { observationsOf } from '../../src/runner/observations.ts';

const ips = { dns: '198.18.7.2', dnsDead: '198.18.7.3', firewall: '198.18.7.4', wan: '198.18.7.5', origin: '198.18.7.6', proxy: '198.18.7.7', vcs: '198.18.7.8' };

describe('addresses per backend', () => {
  it('docker: each host at its container, same ports, no IPv6, the refusing nameserver where no DNS listens', () => {
    const a = containerAddresses(ips);
    expect(a).toMatchObject({ resolver: ips.dns, deadResolver: ips.dnsDead, firewall: ips.firewall, wan: ips.wan, origin: ips.origin, corporateProxy: ips.proxy, vcs: ips.vcs, firewallV6: undefined });
    expect(a.refusingResolver).toBe(ips.wan);
    expect([a.httpsPort, a.dnsPort, a.wanApiPort, a.wanFirstPort, a.corporateProxyPort]).toEqual([ADDRESSES.httpsPort, ADDRESSES.dnsPort, ADDRESSES.wanApiPort, ADDRESSES.wanFirstPort, ADDRESSES.corporateProxyPort]);
  });

  it("the client's resolv.conf names the backend's nameservers", () => {
    const trap = [{ kind: 'resolv-conf' as const, nameservers: ['dead' as const, 'refusing' as const, 'fake' as const] }];
    expect(clientFiles(trap, {}, ADDRESSES).resolvConf).toMatch(/^nameserver 127\.0\.0\.54\nnameserver 127\.0\.0\.55\nnameserver 127\.0\.0\.53\n/);
    expect(clientFiles(trap, {}, containerAddresses(ips)).resolvConf).toMatch(/^nameserver 198\.18\.7\.3\nnameserver 198\.18\.7\.5\nnameserver 198\.18\.7\.2\n/);
  });
});

describe('observations from the hosts logs', () => {
  it('joins what every host saw, wherever it ran', () => {
    const query = (name: string, type: string, rcode: 'NOERROR' | 'DROPPED') => ({ atMs: 0, name, type, rcode, responseMs: 0, transport: 'udp' as const, server: '' });
    const request = (host: string, path: string, protocol: 'h1' | 'h2', durationMs: number) => ({ atMs: 10, host, path, protocol, status: 200, bytes: 100, durationMs, connectionId: 1, method: 'GET', ttfbMs: 1 });
    const seen = observationsOf(
      {
        dns: [query('proxy.golang.org', 'A', 'NOERROR')],
        deadDns: [query('proxy.golang.org', 'A', 'DROPPED')],
        requests: [request('proxy.golang.org', '/x/@v/list', 'h2', 5), request('sum.golang.org', '/lookup/x@v1.0.0', 'h1', -1)] as never,
        originNow: 50,
      },
      { hosts: [{ name: 'proxy.golang.org', role: 'goproxy' }, { name: 'sum.golang.org', role: 'sumdb' }], defaultGosumdb: 'sum.golang.org' },
    );
    expect(seen.dns).toEqual({ queries: 2, byName: { 'proxy.golang.org A': 2 }, failed: 1 });
    expect(seen.http).toMatchObject({ requests: 2, h1: 1, h2: 1, bytes: 200 });
    // the lookup still in flight counts until the origin's clock when the logs were taken
    expect(seen.sumdb).toEqual({ requests: 1, lookups: 1, tiles: 0, timeMs: 40 });
  });
});
