import { describe, expect, it } from 'vitest';
import { findGo, goproxyHosts, gosumdbHost, inspectGo } from '../../src/client/toolchain.ts';
import { cell, only, runFaultScenario, SMALL_CORPUS } from '../fault-run.ts';

// the toolchain's own defaults, as the harness reads them (never hard-coded)
const toolchain = inspectGo(findGo());
const PROXY = goproxyHosts(toolchain.defaultGoproxy)[0]!;
const SUMDB = gosumdbHost(toolchain.defaultGosumdb)!;
const SUMDB_NAME = toolchain.defaultGosumdb.split(/[+\s]/)[0]!;
const MIRROR = 'goproxy.example';

/** go.sum empty: go verifies every module (4 of them) against the checksum database. */
const CORPUS = { ...SMALL_CORPUS, goSum: 'none' } as const;
const MODULES = 4;
/** The default proxy does not proxy the database (a 404 on /sumdb/...): go goes to the database's own host. */
const NO_PROXY_PATH = { kind: 'http-status', match: PROXY, status: 404, path: '/sumdb/*' } as const;

/**
 * The checksum database of the fake internet, checked by the real go: a transparency log of the
 * corpus, signed with a key made for the run, reached through the default proxy's /sumdb/ path or
 * at its own host, blocked, failing and lying.
 */
describe('checksum database (real go)', () => {
  it('with a complete go.sum go never asks the database', async () => {
    const r = only(await runFaultScenario({}));
    expect(r.outcome).toBe('ok');
    expect(r.sumdb).toEqual({ requests: 0, lookups: 0, tiles: 0, timeMs: 0 });
  });

  it('reachable: every module verifies, through the default proxy\'s /sumdb/ path', async () => {
    const r = only(await runFaultScenario({ corpus: CORPUS }));
    expect(r).toMatchObject({ outcome: 'ok', modules: MODULES });
    expect(r.sumdb!.lookups).toBeGreaterThanOrEqual(MODULES);
    expect(r.sumdb!.tiles).toBeGreaterThanOrEqual(1);
    expect(r.sumdb!.requests).toBe(r.sumdb!.lookups + r.sumdb!.tiles);
    // the proxy answered /sumdb/<name>/supported with 200: the database's own host was never contacted
    expect(r.tls.sni[PROXY]).toBeGreaterThan(0);
    expect(r.tls.sni[SUMDB]).toBeUndefined();
  });

  it('direct: when no GOPROXY entry proxies it, go reads the database at its own host (GOSUMDB)', async () => {
    const r = only(await runFaultScenario({ corpus: CORPUS, faults: [NO_PROXY_PATH] }));
    expect(r).toMatchObject({ outcome: 'ok', modules: MODULES });
    expect(r.tls.sni[SUMDB]).toBeGreaterThan(0);
    expect(r.sumdb!.lookups).toBeGreaterThanOrEqual(MODULES);
    expect(r.http.byStatus['404']).toBeGreaterThanOrEqual(1); // the proxy's /supported
  });

  it('a mirror that does not proxy the database: go falls through to the next GOPROXY entry that does, not to the host', async () => {
    const r = cell(await runFaultScenario({ corpus: CORPUS, mirrors: [MIRROR], mitigations: ['mirror-list'] }), `mirror-list(${MIRROR},default)`);
    expect(r).toMatchObject({ outcome: 'ok', modules: MODULES });
    expect(r.tls.sni[MIRROR]).toBeGreaterThan(0);
    expect(r.tls.sni[PROXY]).toBeGreaterThan(0);
    expect(r.tls.sni[SUMDB]).toBeUndefined();
    expect(r.sumdb!.lookups).toBeGreaterThanOrEqual(MODULES);
  });

  it('the database host blocked while a proxy path works: nothing happens', async () => {
    const r = only(await runFaultScenario({ corpus: CORPUS, faults: [{ kind: 'sni-reset', match: SUMDB }] }));
    expect(r).toMatchObject({ outcome: 'ok', modules: MODULES });
  });

  it('the database blocked (SNI reset) and no proxy path: sumdb-unreachable; each mitigation, cell by cell', async () => {
    const rs = await runFaultScenario({
      corpus: CORPUS,
      mirrors: [MIRROR],
      sumdbMirrors: [MIRROR],
      faults: [NO_PROXY_PATH, { kind: 'sni-reset', match: SUMDB }],
      mitigations: ['sumdb-off', 'gonosumdb', 'goprivate', 'sumdb-via-proxy'],
    });
    const baseline = cell(rs, 'baseline');
    expect(baseline).toMatchObject({ outcome: 'fail', failureClass: 'sumdb-unreachable', modules: 0 });
    expect(baseline.stderrTail).toMatch(new RegExp(`verifying go\\.mod: \\S+: Get "https://${SUMDB.replace(/\./g, '\\.')}/lookup/\\S+": .*connection reset by peer`));
    expect(baseline.firewall['sni-reset']).toBeGreaterThan(0);
    expect(baseline.sumdb!.requests).toBe(0);

    // off, or not for these modules: the database is never asked
    for (const name of ['sumdb-off', 'gonosumdb']) {
      expect(cell(rs, name), name).toMatchObject({ outcome: 'ok', modules: MODULES, sumdb: { requests: 0 } });
    }
    // GOPRIVATE also means no proxy: go finds the modules' repositories and fetches them with git
    const priv = cell(rs, 'goprivate');
    expect(priv).toMatchObject({ outcome: 'ok', modules: MODULES, sumdb: { requests: 0 } });
    expect(priv.vcs!.git).toBeGreaterThan(0);
    expect(priv.tls.sni[PROXY]).toBeUndefined();
    // a mirror that proxies the database: go reads it there
    const via = cell(rs, 'sumdb-via-proxy');
    expect(via).toMatchObject({ outcome: 'ok', modules: MODULES });
    expect(via.tls.sni[MIRROR]).toBeGreaterThan(0);
    expect(via.tls.sni[SUMDB]).toBeUndefined();
    expect(via.sumdb!.lookups).toBeGreaterThanOrEqual(MODULES);
  });

  it('the database name does not resolve (NXDOMAIN) and no proxy path: sumdb-unreachable', async () => {
    const r = only(await runFaultScenario({ corpus: CORPUS, faults: [NO_PROXY_PATH, { kind: 'dns-nxdomain', match: SUMDB }] }));
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'sumdb-unreachable' });
    expect(r.stderrTail).toContain(`lookup ${SUMDB} on 127.0.0.53:53: no such host`);
  });

  it('5xx from the database, at its host or through the proxy path: sumdb-unreachable', async () => {
    const direct = only(await runFaultScenario({ corpus: CORPUS, faults: [NO_PROXY_PATH, { kind: 'http-status', match: SUMDB, status: 502 }] }));
    expect(direct).toMatchObject({ outcome: 'fail', failureClass: 'sumdb-unreachable' });
    expect(direct.stderrTail).toContain(`reading https://${SUMDB}/lookup/`);
    expect(direct.stderrTail).toContain('502 Bad Gateway');
    expect(direct.sumdb!.requests).toBeGreaterThan(0);

    const proxied = only(await runFaultScenario({ corpus: CORPUS, faults: [{ kind: 'http-status', match: PROXY, status: 503, path: `/sumdb/${SUMDB_NAME}/lookup/*` }] }));
    expect(proxied).toMatchObject({ outcome: 'fail', failureClass: 'sumdb-unreachable' });
    expect(proxied.stderrTail).toContain(`reading https://${PROXY}/sumdb/${SUMDB_NAME}/lookup/`);
    expect(proxied.stderrTail).toContain('503 Service Unavailable');
  });

  it('a slow database: go waits for it; the record says how long the database took', async () => {
    const r = only(await runFaultScenario({ corpus: CORPUS, faults: [{ kind: 'http-slow-first-byte', match: PROXY, path: '/sumdb/*', delay: '300ms' }] }));
    expect(r).toMatchObject({ outcome: 'ok', modules: MODULES });
    // /supported is not a database request; every lookup and tile waited 300 ms at the origin
    expect(r.sumdb!.timeMs).toBeGreaterThanOrEqual(290 * r.sumdb!.requests);
    expect(r.durationMs).toBeGreaterThanOrEqual(590);
  });

  it('sumdb-wrong-hash: the download does not match the log: checksum-mismatch (SECURITY ERROR); sumdb-off goes through', async () => {
    const rs = await runFaultScenario({ corpus: CORPUS, faults: [{ kind: 'sumdb-wrong-hash', match: 'gomod.example/*' }], mitigations: ['sumdb-off'] });
    const r = cell(rs, 'baseline');
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'checksum-mismatch' });
    expect(r.stderrTail).toMatch(/verifying module: checksum mismatch\n\tdownloaded: h1:\S+\n\t\S+: h1:\S+\n\nSECURITY ERROR\nThis download does NOT match the one reported by the checksum server\./);
    expect(cell(rs, 'sumdb-off')).toMatchObject({ outcome: 'ok', modules: MODULES });

    const mod = only(await runFaultScenario({ corpus: CORPUS, faults: [{ kind: 'sumdb-wrong-hash', match: 'gomod.example/lib/*', file: 'go.mod' }] }));
    expect(mod).toMatchObject({ outcome: 'fail', failureClass: 'checksum-mismatch' });
    expect(mod.stderrTail).toContain('verifying go.mod: checksum mismatch');
  });

  it('sumdb-inconsistent-tree: two signed heads that are not one log: sumdb-misbehavior (SECURITY ERROR)', async () => {
    const r = only(await runFaultScenario({ corpus: CORPUS, faults: [{ kind: 'sumdb-inconsistent-tree', match: '*' }] }));
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'sumdb-misbehavior' });
    expect(r.stderrTail).toContain('SECURITY ERROR\ngo.sum database server misbehavior detected!');
    expect(r.stderrTail).toContain('proof of misbehavior:');
    expect(r.sumdb!.lookups).toBeGreaterThanOrEqual(2);
  });
});
