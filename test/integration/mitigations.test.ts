import { describe, expect, it } from 'vitest';
import { cell, runFaultScenario } from '../fault-run.ts';

const P = 'proxy.golang.org';

/**
 * Each mitigation changes what it claims to change, seen by the components (protocol in the
 * origin log, resolver traffic, connections, which hosts were contacted) — whether it helps is
 * the reports' business.
 */
describe('mitigations change what they claim (real go)', () => {
  it('http2-off: the origin sees HTTP/1.1 only; baseline h2 only', async () => {
    const rs = await runFaultScenario({ mitigations: ['http2-off'] });
    expect(cell(rs, 'baseline').http).toMatchObject({ h1: 0 });
    expect(cell(rs, 'baseline').http.h2).toBeGreaterThan(0);
    expect(cell(rs, 'http2-off').http).toMatchObject({ h2: 0 });
    expect(cell(rs, 'http2-off').http.h1).toBeGreaterThan(0);
  });

  it('netdns-cgo on a static go binary: go itself says it cannot use cgo', async () => {
    const rs = await runFaultScenario({ mitigations: ['netdns-cgo', 'netdns-go'] });
    expect(cell(rs, 'netdns-cgo').outcome).toBe('ok');
    // e.g. "go package net: ignoring GODEBUG=netdns=cgo as the binary was compiled without support for the cgo resolver"
    expect(cell(rs, 'netdns-cgo').stderrTail).toMatch(/go package net: ignoring GODEBUG=netdns=cgo/);
    expect(cell(rs, 'netdns-go').outcome).toBe('ok');
  });

  it('resolver-options: attempts:1 halves the queries and the wait of a dead name', async () => {
    const rs = await runFaultScenario({
      faults: [{ kind: 'dns-drop', match: P }, { kind: 'resolv-conf', options: { timeoutSec: 1, attempts: 2 } }],
      mitigations: [{ name: 'resolver-options', attempts: 1 }],
    });
    const base = cell(rs, 'baseline');
    const opt = cell(rs, 'resolver-options(attempts=1)');
    expect(opt.failureClass).toBe('dns-timeout');
    expect(opt.dns.queries * 2).toBe(base.dns.queries);
    expect(opt.durationMs).toBeLessThan(base.durationMs * 0.7);
  });

  it('dns-prewarm: names are resolved before go starts; go gets them from the local cache', async () => {
    // 2 s per answer, not less: one trial each, and at load ~14 two trials of the same small
    // download differed by 0.7 s (a whole-suite run, 2026-12-07)
    const rs = await runFaultScenario({ faults: [{ kind: 'dns-delay', match: '*', delay: '2s' }], mitigations: ['dns-prewarm'] });
    const base = cell(rs, 'baseline');
    const warm = cell(rs, 'dns-prewarm');
    expect(warm.outcome).toBe('ok');
    expect(warm.mitigationSetupMs).toBeGreaterThanOrEqual(2_000);
    // baseline waits 2 s for each of its lookups; go under dns-prewarm waits for none
    expect(base.durationMs).toBeGreaterThanOrEqual(2_000);
    expect(warm.durationMs).toBeLessThan(base.durationMs);
  });

  it('ipv4-only: AAAA answers are dropped locally, so the IPv6 blackhole costs nothing', async () => {
    const rs = await runFaultScenario({ faults: [{ kind: 'dns-aaaa-nowhere', match: '*' }], mitigations: ['ipv4-only'] });
    const v4 = cell(rs, 'ipv4-only');
    expect(v4.outcome).toBe('ok');
    // baseline: go dials the blackholed IPv6 address first and IPv4 only after its 300 ms
    // happy-eyeballs fallback delay (net.Dialer), a physical lower bound on the trial
    expect(cell(rs, 'baseline').durationMs).toBeGreaterThanOrEqual(300);
    expect(Object.keys(cell(rs, 'baseline').dns.byName).some((k) => k.endsWith(' AAAA'))).toBe(true);
    // ipv4-only: the local resolver answers AAAA itself, empty; go never learns an IPv6 address
    expect(Object.keys(v4.dns.byName).filter((k) => k.endsWith(' AAAA'))).toEqual([]);
  });

  it('mirror-list: "," stops at a mirror\'s 500, "|" falls through to the next proxy', async () => {
    const rs = await runFaultScenario({
      mirrors: ['goproxy.example'],
      faults: [{ kind: 'http-status', match: 'goproxy.example', status: 500 }],
      mitigations: [{ name: 'mirror-list', mirrors: ['goproxy.example'], separator: [',', '|'] }],
    });
    const comma = cell(rs, 'mirror-list(goproxy.example,default)');
    const pipe = cell(rs, 'mirror-list(goproxy.example|default)');
    expect(comma).toMatchObject({ outcome: 'fail', failureClass: 'http-5xx' });
    expect(comma.tls.sni[P]).toBeUndefined();
    expect(pipe.outcome).toBe('ok');
    expect(pipe.tls.sni['goproxy.example']).toBeGreaterThan(0);
    expect(pipe.tls.sni[P]).toBeGreaterThan(0);
  });

  it('goprivate: the module host is fetched directly, never through the proxy', async () => {
    const rs = await runFaultScenario({ mitigations: ['goprivate'] });
    const r = cell(rs, 'goprivate');
    expect(r.tls.sni[P]).toBeUndefined();
    // go's ?go-get=1 at the module host, then git at the code host
    expect(r).toMatchObject({ outcome: 'ok' });
    expect(r.vcs!.goGet).toBeGreaterThan(0);
    expect(r.vcs!.git).toBeGreaterThan(0);
  });

  it('corp-ca-trust: with the inspection CA trusted, TLS inspection no longer breaks go', async () => {
    const rs = await runFaultScenario({ faults: [{ kind: 'tls-mitm', match: '*' }], mitigations: ['corp-ca-trust'] });
    expect(cell(rs, 'baseline').failureClass).toBe('tls-untrusted');
    expect(cell(rs, 'corp-ca-trust').outcome).toBe('ok');
  });

  it('concurrency: GOMAXPROCS bounds the parallel downloads, and with HTTP/1.1 the connections', async () => {
    const rs = await runFaultScenario({ corpus: { modules: 8, depth: 1, fanout: 0, maxVersions: 1, zipSizeKB: { median: 8, sigma: 0 } }, mitigations: [{ name: 'concurrency', gomaxprocs: [1, 8] }] });
    expect(cell(rs, 'concurrency(GOMAXPROCS=1)').tcp.connections).toBeLessThan(cell(rs, 'concurrency(GOMAXPROCS=8)').tcp.connections);
  });

  it('retry-wrapper: kills a stalled go at its own deadline and retries; baseline hangs until the hard deadline', async () => {
    const rs = await runFaultScenario({
      timeout: '6s',
      faults: [{ kind: 'http-stall', match: P, path: '*.zip', afterBytes: 10, until: '1500ms' }],
      mitigations: [{ name: 'retry-wrapper', attempts: 3, baseDeadline: '1s', normalRtt: '1s' }],
    });
    const wrapped = rs.find((r) => r.mitigation.startsWith('retry-wrapper'))!;
    expect(cell(rs, 'baseline')).toMatchObject({ outcome: 'timeout', failureClass: 'deadline' });
    expect(wrapped.outcome).toBe('ok');
    expect(wrapped.attempts).toBeGreaterThanOrEqual(2);
  });

  it('http1-gateway: go talks to the local gateway, the gateway fetches over HTTP/1.1', async () => {
    const r = cell(await runFaultScenario({ mitigations: ['http1-gateway'] }), 'http1-gateway');
    expect(r.outcome).toBe('ok');
    expect(r.http.h2).toBe(0);
    expect(r.http.h1).toBeGreaterThan(0);
  });

  it('warm-proxy: every module comes from the local cache, the internet sees nothing', async () => {
    const r = cell(await runFaultScenario({ faults: [{ kind: 'tcp-down', match: '*' }], mitigations: ['warm-proxy'] }), 'warm-proxy');
    expect(r.outcome).toBe('ok');
    expect(r.http.requests).toBe(0);
    expect(r.tcp.connections).toBe(0);
  });
});

describe('field advice, checked with the real go', () => {
  it('proxy-env: HTTPS_PROXY set by hand gets through a PAC-only mandatory proxy', async () => {
    const rs = await runFaultScenario({ corporateProxy: { clientUsesProxy: false }, mitigations: ['proxy-env'] });
    expect(cell(rs, 'baseline')).toMatchObject({ outcome: 'fail', failureClass: 'tcp-reset' });
    const r = cell(rs, 'proxy-env');
    expect(r.outcome).toBe('ok');
    expect(r.proxy.connects).toBeGreaterThan(0);
  });

  it('goflags-insecure: GOFLAGS=-insecure changes nothing (the flag is gone, unknown GOFLAGS are ignored)', async () => {
    const rs = await runFaultScenario({ faults: [{ kind: 'tls-mitm', match: '*' }], mitigations: ['goflags-insecure'] });
    expect(cell(rs, 'goflags-insecure')).toMatchObject({ outcome: 'fail', failureClass: 'tls-untrusted' });
  });

  it('go-proxy-timeout: GO_PROXY_TIMEOUT does not exist; a stalled download still hangs until the deadline', async () => {
    const rs = await runFaultScenario({ timeout: '3s', faults: [{ kind: 'http-stall', match: 'proxy.golang.org', path: '*.zip', afterBytes: 10 }], mitigations: ['go-proxy-timeout'] });
    expect(cell(rs, 'go-proxy-timeout')).toMatchObject({ outcome: 'timeout', failureClass: 'deadline' });
  });

  it('dns-ttl 0 defeats a local cache: go\'s lookups go upstream again', async () => {
    const cached = cell(await runFaultScenario({ mitigations: ['dns-prewarm'] }), 'dns-prewarm');
    const ttl0 = cell(await runFaultScenario({ faults: [{ kind: 'dns-ttl', match: '*', ttlSec: 0 }], mitigations: ['dns-prewarm'] }), 'dns-prewarm');
    expect(ttl0.outcome).toBe('ok');
    // the warm-up asks every name once either way; with TTL 0 go's own queries reach the resolver too
    expect(ttl0.dns.queries).toBeGreaterThan(cached.dns.queries);
  });
});
