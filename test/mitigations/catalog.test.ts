import { describe, expect, it } from 'vitest';
import { clientDirs, clientEnvironment } from '../../src/client/environment.ts';
import { clientFiles } from '../../src/client/traps.ts';
import { ADDRESSES } from '../../src/topology/addresses.ts';
import { expandMitigation, MITIGATIONS } from '../../src/mitigations/catalog.ts';
import { validateScenario } from '../../src/scenario/load.ts';

describe('mitigation catalog', () => {
  it('each environment mitigation sets exactly the variable a user would set', () => {
    expect(MITIGATIONS['http2-off'].env).toEqual({ GODEBUG: 'http2client=0' });
    expect(MITIGATIONS['netdns-go'].env).toEqual({ GODEBUG: 'netdns=go' });
    expect(MITIGATIONS['sumdb-off'].env).toEqual({ GOSUMDB: 'off' });
    expect(MITIGATIONS.gonosumdb.env).toEqual({ GONOSUMDB: 'gomod.example' });
    expect(MITIGATIONS.goprivate.env).toEqual({ GOPRIVATE: 'gomod.example' });
    expect(MITIGATIONS.baseline.env).toEqual({});
  });

  it('the mitigation env wins over the harness defaults, and nothing of the user leaks in', () => {
    const env = clientEnvironment('/usr/local/go/bin/go', clientDirs('/t'), '/ca.pem', { GODEBUG: 'http2client=0', SSL_CERT_FILE: '/both.pem' });
    expect(env).toMatchObject({ GODEBUG: 'http2client=0', SSL_CERT_FILE: '/both.pem', SSL_CERT_DIR: '/t/certs', GOTOOLCHAIN: 'local', GOENV: 'off' });
    expect(env['GOPROXY']).toBeUndefined();
    expect(env['GOFLAGS']).toBeUndefined();
  });

  it('parameter lists expand into one cell each, labelled with their values', () => {
    expect(expandMitigation({ name: 'concurrency', gomaxprocs: [1, 8], netlimit: 4 }).map((m) => [m.name, m.env])).toEqual([
      ['concurrency(GOMAXPROCS=1)', { GOMAXPROCS: '1' }],
      ['concurrency(GOMAXPROCS=8)', { GOMAXPROCS: '8' }],
      ['concurrency(cmdgonetlimit=4)', { GODEBUG: 'cmdgonetlimit=4' }],
    ]);
    expect(expandMitigation({ name: 'mirror-list', mirrors: ['a.example'], separator: [',', '|'] }).map((m) => m.name)).toEqual(['mirror-list(a.example,default)', 'mirror-list(a.example|default)']);
    expect(validateScenario({ name: 'x', mitigations: [{ name: 'retry-wrapper', baseDeadline: '20s' }] }, 'x.ts').mitigations[1]!.retry).toEqual({ attempts: 3, baseDeadlineMs: 20_000, normalRttMs: 20 });
  });

  it('GONOSUMDB, GOPRIVATE and GOINSECURE take module path patterns; GOVCS and git settings are the variables people set', () => {
    expect(MITIGATIONS.goinsecure.env).toEqual({ GOPRIVATE: 'gomod.example', GOINSECURE: 'gomod.example' });
    expect(MITIGATIONS['govcs-public-off'].env).toEqual({ GOVCS: 'public:off' });
    expect(MITIGATIONS['govcs-git'].env).toEqual({ GOPROXY: 'direct', GOVCS: '*:git' });
    expect(expandMitigation({ name: 'goinsecure-git', patterns: ['corp.example', '*.corp.example/team'] })).toEqual([
      expect.objectContaining({ name: 'goinsecure-git(corp.example,*.corp.example/team)', env: { GOPRIVATE: 'corp.example,*.corp.example/team', GOINSECURE: 'corp.example,*.corp.example/team', GIT_SSL_NO_VERIFY: '1' } }),
    ]);
    expect(validateScenario({ name: 'x', mitigations: [{ name: 'gonosumdb', patterns: ['github.com/corp'] }] }, 'x.ts').mitigations[1]!.env).toEqual({ GONOSUMDB: 'github.com/corp' });
    expect(() => validateScenario({ name: 'x', mitigations: [{ name: 'goprivate', patterns: ['a,b'] }] }, 'x.ts')).toThrow(/patterns/);
    // the client environment leaves GIT_TERMINAL_PROMPT to go (which sets it to 0 itself when unset)
    expect(clientEnvironment('/go/bin/go', clientDirs('/t'), '/ca.pem', {})['GIT_TERMINAL_PROMPT']).toBeUndefined();
  });

  it('resolver options end up in the client resolv.conf, over a trap\'s own options', () => {
    const files = clientFiles([{ kind: 'resolv-conf', nameservers: ['dead', 'fake'], options: { timeoutSec: 5, attempts: 2 } }], { timeoutSec: 1, rotate: true }, ADDRESSES);
    expect(files.resolvConf).toBe('nameserver 127.0.0.54\nnameserver 127.0.0.53\noptions timeout:1 attempts:2 rotate\n');
  });

  it('scenarios: baseline first, duplicates merged, mirror-list bound to the scenario mirrors', () => {
    const s = validateScenario({ name: 'x', mirrors: ['goproxy.example'], mitigations: ['http2-off', 'http2-off', 'mirror-list'] }, 'x.ts');
    expect(s.mitigations.map((m) => m.name)).toEqual(['baseline', 'http2-off', 'mirror-list(goproxy.example,default)']);
    expect(() => validateScenario({ name: 'x', mitigations: ['mirror-list'] }, 'x.ts')).toThrow(/mitigations\[0\]: got "mirror-list"; allowed: only with `mirrors/);
    expect(() => validateScenario({ name: 'x', mitigations: [{ name: 'mirror-list', mirrors: ['nope.example'] }] }, 'x.ts')).toThrow(/mirrors: got \["nope.example"\]/);
    expect(() => validateScenario({ name: 'x', mitigations: ['http3'] }, 'x.ts')).toThrow(/mitigations\[0\]/);
  });
});

describe('bad mitigation input', () => {
  it('an unknown name lists the names and the parameterised forms', () => {
    expect(() => validateScenario({ name: 'x', mitigations: ['http3'] }, 's.ts')).toThrow(
      /^s\.ts: mitigations\[0\]: got "http3"; allowed: one of "baseline", "http2-off", .*"warm-proxy", .*, or with parameters \{ name: "resolver-options", \.\.\. \}/,
    );
  });

  it('a bad parameter value names the parameter', () => {
    expect(() => validateScenario({ name: 'x', mitigations: [{ name: 'concurrency', gomaxprocs: 0 }] }, 's.ts')).toThrow('s.ts: mitigations[0].gomaxprocs: got 0; allowed: at least 1');
  });
});
