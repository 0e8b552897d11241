import { Resolver } from 'node:dns/promises';
import dns2 from 'dns2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeResolver } from '../../src/dns/server.ts';

const port = 30_000 + Math.floor(Math.random() * 10_000);
const resolver = new FakeResolver({
  address: '127.0.0.1',
  port,
  ttlSec: 300,
  zone: new Map([['proxy.golang.org', { a: ['127.0.1.1'], aaaa: ['::1'] }]]),
});

beforeAll(() => resolver.start());
afterAll(() => resolver.stop());

describe('fake resolver over real sockets', () => {
  it('answers A and AAAA over UDP, case-insensitively, and logs each query', async () => {
    const client = new Resolver({ timeout: 2_000, tries: 1 });
    client.setServers([`127.0.0.1:${port}`]);
    const before = resolver.log.length;
    expect(await client.resolve4('Proxy.Golang.org')).toEqual(['127.0.1.1']);
    expect(await client.resolve6('proxy.golang.org')).toEqual(['::1']);
    const entries = resolver.log.slice(before);
    expect(entries.map((e) => [e.name, e.type, e.rcode, e.transport])).toEqual([
      ['proxy.golang.org', 'A', 'NOERROR', 'udp'],
      ['proxy.golang.org', 'AAAA', 'NOERROR', 'udp'],
    ]);
    expect(entries.every((e) => e.responseMs >= 0 && e.responseMs < 1_000)).toBe(true);
  });

  it('answers NXDOMAIN for names outside the fake internet', async () => {
    const client = new Resolver({ timeout: 2_000, tries: 1 });
    client.setServers([`127.0.0.1:${port}`]);
    await expect(client.resolve4('example.org')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(resolver.log.at(-1)).toMatchObject({ name: 'example.org', rcode: 'NXDOMAIN' });
  });

  it('answers over TCP too', async () => {
    const tcp = dns2.TCPClient({ dns: '127.0.0.1', port });
    const answer = await tcp('proxy.golang.org', 'A');
    expect(answer.answers.map((a: { address?: string }) => a.address)).toEqual(['127.0.1.1']);
    expect(resolver.log.at(-1)).toMatchObject({ name: 'proxy.golang.org', transport: 'tcp' });
  });
});
