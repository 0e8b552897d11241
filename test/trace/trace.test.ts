import { describe, expect, it } from 'vitest';
import { layerFaults } from '../../src/faults/catalog.ts';
import { chromeTrace, chromeTraceSchema } from '../../src/trace/chrome.ts';
import { spansOf } from '../../src/trace/collect.ts';
import { harOf } from '../../src/trace/har.ts';
import type { TrialTrace } from '../../src/trace/schema.ts';
import type { HostLogs } from '../../src/topology/hosts.ts';

const ZERO = 1_800_000_000_000;
const faults = layerFaults([
  { kind: 'dns-drop', match: 'proxy.golang.org' },
  { kind: 'tcp-latency', match: 'sum.golang.org', latency: 50 },
  { kind: 'http-stall', match: 'proxy.golang.org', afterBytes: 100 },
]);

/** Each host's log counts from its own zero: the DNS server started 1 s before the trial clock, the origin 2 s, the firewall 3 s. */
const logs: HostLogs = {
  dnsZeroMs: ZERO - 1000,
  dns: [
    { atMs: 1010, name: 'proxy.golang.org', type: 'A', rcode: 'DROPPED', responseMs: 0.1, transport: 'udp', server: '127.0.0.53', fault: 'dns-drop proxy.golang.org' },
    { atMs: 6010, name: 'proxy.golang.org', type: 'A', rcode: 'DROPPED', responseMs: 0.1, transport: 'udp', server: '127.0.0.53', fault: 'dns-drop proxy.golang.org' },
    { atMs: 1020, name: 'sum.golang.org', type: 'A', rcode: 'NOERROR', responseMs: 3, transport: 'udp', server: '127.0.0.53' },
  ],
  firewallZeroMs: ZERO - 3000,
  firewall: [{ id: 1, atMs: 3030, from: '127.0.0.1', sni: 'sum.golang.org', alpn: ['h2'], action: 'forwarded', bytesUp: 500, bytesDown: 900, durationMs: 0 }],
  originZeroMs: ZERO - 2000,
  handshakes: [{ atMs: 2040, connectionId: 1, sni: 'sum.golang.org', alpn: 'h2' }],
  requests: [{ atMs: 2050, host: 'proxy.golang.org', method: 'GET', path: '/m/@v/v1.0.0.zip', status: 200, protocol: 'h2', bytes: 100, ttfbMs: 5, durationMs: -1, connectionId: 1, fault: 'http-stall' }],
};

describe('spansOf', () => {
  const set = spansOf({ logs, faults, zeroEpochMs: ZERO, readEpochMs: ZERO + 12_000, client: { goStartMs: 5, goMs: 11_000, workload: 'download' } });
  const named = (kind: string, name: string) => set.spans.filter((s) => s.kind === kind && s.name === name);

  it('puts every host on the trial clock and marks the faults that acted', () => {
    expect(set.endMs).toBe(12_000);
    expect(set.zeroAt).toBe(new Date(ZERO).toISOString());
    expect(named('client', 'mitigation setup')[0]).toMatchObject({ startMs: 0, durMs: 5 });
    expect(named('client', 'download')[0]).toMatchObject({ startMs: 5, durMs: 11_000 });
    expect(named('dns', 'sum.golang.org A')[0]).toMatchObject({ startMs: 20, durMs: 3 });
    expect(named('dns', 'sum.golang.org A')[0]!.faults).toBeUndefined();
    expect(named('tls', 'TLS sum.golang.org')[0]).toMatchObject({ startMs: 40, durMs: 0 });
    // a connection still open when the logs were read ends there; it went through a faulted WAN link
    expect(named('connect', 'TCP sum.golang.org')[0]).toMatchObject({ startMs: 30, durMs: 11_970, open: true, faults: ['tcp-latency sum.golang.org'] });
    expect(set.spans.find((s) => s.kind === 'request')).toMatchObject({ startMs: 50, open: true, faults: ['http-stall proxy.golang.org'] });
    expect(set.spans.map((s) => s.startMs)).toEqual([...set.spans.map((s) => s.startMs)].sort((a, b) => a - b));
  });

  it('a query never answered waits until the client asks again, the last one until go ended', () => {
    const waits = named('dns', 'proxy.golang.org A');
    expect(waits.map((w) => [w.startMs, w.durMs])).toEqual([
      [10, 5000],
      [5010, 11_005 - 5010],
    ]);
    for (const w of waits) expect(w.faults).toEqual(['dns-drop proxy.golang.org']);
  });

  it('marks the queries a dead nameserver of the client\'s resolv.conf never answered with that trap', () => {
    const dead = spansOf({
      logs: { deadDnsZeroMs: ZERO, deadDns: [{ atMs: 1, name: 'proxy.golang.org', type: 'A', rcode: 'DROPPED', responseMs: 0, transport: 'udp', server: '127.0.0.54' }] },
      faults: layerFaults([{ kind: 'resolv-conf', nameservers: ['dead', 'fake'] }]),
      zeroEpochMs: ZERO,
      readEpochMs: ZERO + 100,
    });
    expect(dead.spans).toEqual([expect.objectContaining({ kind: 'dns', startMs: 1, durMs: 99, faults: ['resolv-conf'] })]);
  });

  it('traces the code host\'s requests on its own zero', () => {
    const vcs = spansOf({
      logs: { vcsZeroMs: ZERO - 500, vcs: [{ atMs: 600, host: 'git.corp.example', method: 'GET', url: '/lib/m001.git/info/refs?service=git-upload-pack', protocol: 'h2', userAgent: 'git/2.47', status: 200, bytes: 300, durationMs: 12 }] },
      faults,
      zeroEpochMs: ZERO,
      readEpochMs: ZERO + 1000,
    });
    expect(vcs.spans).toEqual([expect.objectContaining({ kind: 'request', name: 'GET git.corp.example/lib/m001.git/info/refs?service=git-upload-pack', startMs: 100, durMs: 12 })]);
  });

  it('keeps at most maxSpans and says how many it left out', () => {
    const capped = spansOf({ logs, faults, zeroEpochMs: ZERO, readEpochMs: ZERO + 12_000, maxSpans: 3 });
    expect(capped.spans).toHaveLength(3);
    expect(capped.droppedSpans).toBe(3); // 6 spans without the client's: 3 DNS, 1 connection, 1 TLS, 1 request
  });

  const trace: TrialTrace = { scenario: 's', trial: 7, mitigation: 'baseline', goVersion: 'go1.26.8', rep: 0, outcome: 'fail', failureClass: 'dns-timeout', durationMs: 11_000, ...set };

  it('exports a Chrome trace: the format fields, a process per trial, no overlapping spans on one track', () => {
    const chrome = chromeTraceSchema.parse(JSON.parse(JSON.stringify(chromeTrace([trace, { ...trace, trial: 8 }]))));
    const complete = chrome.traceEvents.filter((e) => e.ph === 'X');
    expect(complete).toHaveLength(2 * set.spans.length);
    expect(new Set(complete.map((e) => e.pid))).toEqual(new Set([1, 2]));
    const tracks = new Map<string, Array<{ ts: number; dur: number }>>();
    for (const e of complete) tracks.set(`${e.pid}/${e.tid}`, [...(tracks.get(`${e.pid}/${e.tid}`) ?? []), e]);
    for (const events of tracks.values()) for (let i = 1; i < events.length; i++) expect(events[i]!.ts).toBeGreaterThanOrEqual(events[i - 1]!.ts + events[i - 1]!.dur);
    const dns = complete.find((e) => e.name.startsWith('proxy.golang.org A'))!;
    expect(dns).toMatchObject({ ts: 10_000, dur: 5_000_000, cname: 'terrible' });
    expect(chrome.traceEvents.some((e) => e.ph === 'M' && e.name === 'process_name' && e.args.name?.includes('trial 7'))).toBe(true);
  });

  it('exports the requests as HAR 1.2', () => {
    const har = harOf([trace], '0.1.0');
    expect(har.log.version).toBe('1.2');
    expect(har.log.pages).toHaveLength(1);
    expect(har.log.entries).toHaveLength(1);
    const [entry] = har.log.entries;
    expect(entry).toMatchObject({ startedDateTime: new Date(ZERO + 50).toISOString(), request: { method: 'GET', url: 'https://proxy.golang.org/m/@v/v1.0.0.zip', httpVersion: 'h2' }, response: { status: 200 }, timings: { send: 0, wait: 5 } });
    expect(entry!.comment).toContain('http-stall proxy.golang.org');
  });
});
