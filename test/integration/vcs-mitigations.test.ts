import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecords, runCli } from '../helpers.ts';

const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-vcs-mitigations-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

// one run for the file (about 30 s): TLS inspection on the private hosts, and a proxy that 404s the corpus
let result: Awaited<ReturnType<typeof runCli>>;
let records: Array<Record<string, any>>;
const cell = (scenario: string, mitigation: string) => records.find((r) => r.scenario === scenario && r.mitigation === mitigation)!;
beforeAll(async () => {
  result = await runCli(['run', 'test/fixtures/scenarios/vcs-inspect.ts', 'test/fixtures/scenarios/vcs-govcs.ts', '--out', out]);
  records = readRecords(join(out, 'results.jsonl'));
}, 180_000);

describe('what people set for direct fetches, with the real go and git', () => {
  it('GOINSECURE under TLS inspection: go\'s own lookup gets through, git still verifies and fails until GIT_SSL_NO_VERIFY', () => {
    // every expectation of the two scenarios met (a missed one exits 1)
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    // GOPRIVATE alone: go's ?go-get=1 meets the inspection certificate and stops there
    const privateOnly = cell('vcs-inspect', 'goprivate');
    expect(privateOnly).toMatchObject({ outcome: 'fail', failureClass: 'tls-untrusted' });
    expect(privateOnly.stderrTail).toMatch(/https fetch: Get "https:\/\/gomod\.example\/\S+\?go-get=1": tls: failed to verify certificate/);
    // GOINSECURE: the lookup goes through go's insecure client (its own transport: HTTP/1.1), git is refused by libcurl
    const insecure = cell('vcs-inspect', 'goinsecure');
    expect(insecure).toMatchObject({ outcome: 'fail', failureClass: 'git-tls-untrusted' });
    expect(insecure.vcs).toMatchObject({ goGet: 3, h1: 3, git: 0 });
    expect(insecure.stderrTail).toMatch(/fatal: unable to access 'https:\/\/git\.corp\.example\/\S+': (server certificate verification failed|SSL certificate problem)/);
    // git told not to verify: every module through the inspecting middlebox
    const both = cell('vcs-inspect', 'goinsecure-git');
    expect(both, both.stderrTail).toMatchObject({ outcome: 'ok', modules: 3 });
    expect(both.vcs.git).toBeGreaterThanOrEqual(3 * 2);
    expect(both.firewall['tls-mitm']).toBeGreaterThan(0);
  });

  it('GOVCS: public:off refuses the ,direct fallback before git runs; *:git lets git fetch', () => {
    // the proxy 404s every corpus module: baseline falls back to git (the proxy asked first, then the code host)
    const fallback = cell('vcs-govcs', 'baseline');
    expect(fallback).toMatchObject({ outcome: 'ok', modules: 3 });
    expect(fallback.http.requests).toBeGreaterThan(0);
    expect(fallback.vcs.git).toBeGreaterThanOrEqual(3 * 2);
    const refused = cell('vcs-govcs', 'govcs-public-off');
    expect(refused).toMatchObject({ outcome: 'fail', failureClass: 'vcs-disallowed' });
    expect(refused.stderrTail).toMatch(/GOVCS disallows using git for public gomod\.example\//);
    // go read the go-import tag (the rule applies to the repository it names), then never ran git
    expect(refused.vcs).toMatchObject({ git: 0 });
    expect(refused.vcs.goGet).toBeGreaterThan(0);
    for (const name of ['govcs-git', 'git-terminal-prompt-off']) {
      const r = cell('vcs-govcs', name);
      expect(r, r.stderrTail).toMatchObject({ outcome: 'ok', modules: 3 });
      expect(r.vcs.git).toBeGreaterThanOrEqual(3 * 2);
      // GOPROXY=direct: never the module proxy
      expect(r.http.requests).toBe(0);
    }
  });
});
