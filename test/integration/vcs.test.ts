import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRecords, runCli } from '../helpers.ts';

const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-vcs-run-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('direct VCS fetches: real go, real git, git http-backend on the code host', () => {
  it('GOPROXY=direct and GOPRIVATE fetch through git smart HTTP; an SNI filter on the code host fails in git with its own class', async () => {
    const result = await runCli(['run', 'test/fixtures/scenarios/vcs-direct.ts', 'test/fixtures/scenarios/vcs-sni.ts', '--out', out]);
    // every expectation of both scenarios met (a missed one exits 1)
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    const records = readRecords(join(out, 'results.jsonl'));
    const cell = (scenario: string, mitigation: string) => records.find((r) => r.scenario === scenario && r.mitigation === mitigation)!;

    // through the proxy: the code host sees nothing
    expect(cell('vcs-direct', 'baseline')).toMatchObject({ outcome: 'ok' });
    expect(cell('vcs-direct', 'baseline').vcs).toBeUndefined();
    for (const name of ['goproxy-direct', 'goprivate', 'git-http1']) {
      const r = cell('vcs-direct', name);
      expect(r, r.stderrTail).toMatchObject({ outcome: 'ok', modules: 3 });
      // go's own ?go-get=1 for each module, then git's requests (User-Agent git/...): all answered 200
      expect(r.vcs.goGet).toBe(3);
      expect(r.vcs.git).toBeGreaterThanOrEqual(3 * 2);
      expect(Object.keys(r.vcs.byStatus)).toEqual(['200']);
      // and never the module proxy
      expect(r.http.requests).toBe(0);
    }
    // git negotiates h2 by ALPN; http.version=HTTP/1.1 holds its requests to h1 (go's ?go-get=1 stays h2)
    expect(cell('vcs-direct', 'goproxy-direct').vcs.h1).toBe(0);
    expect(cell('vcs-direct', 'git-http1').vcs.h1).toBe(cell('vcs-direct', 'git-http1').vcs.git);
    expect(cell('vcs-direct', 'goproxy-off')).toMatchObject({ outcome: 'fail', failureClass: 'goproxy-off' });

    // the filter resets git's TLS to the code host; go's discovery on the module host got through
    const blocked = cell('vcs-sni', 'goproxy-direct');
    expect(blocked).toMatchObject({ outcome: 'fail', failureClass: 'git-reset' });
    expect(blocked.stderrTail).toMatch(/fatal: unable to access 'https:\/\/git\.corp\.example\/\S+': /);
    expect(blocked.firewall['sni-reset']).toBeGreaterThan(0);
    expect(blocked.vcs).toMatchObject({ git: 0 });
    expect(blocked.vcs.goGet).toBeGreaterThan(0);
    expect(cell('vcs-sni', 'baseline')).toMatchObject({ outcome: 'ok' });
  }, 180_000);
});
