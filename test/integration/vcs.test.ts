import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecords, runCli } from '../helpers.ts';
import { expectFetchedWithGit, expectGitReset } from './vcs-expect.ts';

const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-vcs-run-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

// one run for every assertion of this file (the suite's time budget): three small scenarios
let result: Awaited<ReturnType<typeof runCli>>;
let records: Array<Record<string, any>>;
const cell = (scenario: string, mitigation: string) => records.find((r) => r.scenario === scenario && r.mitigation === mitigation)!;
beforeAll(async () => {
  result = await runCli(['run', 'test/fixtures/scenarios/vcs-direct.ts', 'test/fixtures/scenarios/vcs-sni.ts', 'test/fixtures/scenarios/toolchain-switch.ts', '--out', out]);
  records = readRecords(join(out, 'results.jsonl'));
}, 240_000);

describe('direct VCS fetches: real go, real git, git http-backend on the code host', () => {
  it('GOPROXY=direct and GOPRIVATE fetch through git smart HTTP; an SNI filter on the code host fails in git with its own class', () => {
    // every expectation of the scenarios met (a missed one exits 1)
    expect(result.code, result.stderr.slice(-2000)).toBe(0);

    // through the proxy: the code host sees nothing
    expect(cell('vcs-direct', 'baseline')).toMatchObject({ outcome: 'ok' });
    expect(cell('vcs-direct', 'baseline').vcs).toBeUndefined();
    for (const name of ['goproxy-direct', 'goprivate', 'git-http1']) expectFetchedWithGit(cell('vcs-direct', name));
    // git negotiates h2 by ALPN; http.version=HTTP/1.1 holds its requests to h1 (go's ?go-get=1 stays h2)
    expect(cell('vcs-direct', 'goproxy-direct').vcs.h1).toBe(0);
    expect(cell('vcs-direct', 'git-http1').vcs.h1).toBe(cell('vcs-direct', 'git-http1').vcs.git);
    expect(cell('vcs-direct', 'goproxy-off')).toMatchObject({ outcome: 'fail', failureClass: 'goproxy-off' });

    expectGitReset(cell('vcs-sni', 'goproxy-direct'));
    expect(cell('vcs-sni', 'baseline')).toMatchObject({ outcome: 'ok' });
  });
});

describe('the toolchain workload', () => {
  it('go.mod asks for a newer Go: go downloads golang.org/toolchain through the proxy, checks it in the database and runs it', () => {
    for (const name of ['baseline', 'http2-off']) {
      const r = cell('toolchain-switch', name);
      expect(r, r.stderrTail).toMatchObject({ outcome: 'ok', workload: 'toolchain' });
      expect(r.commands).toEqual([
        expect.objectContaining({ command: 'GOTOOLCHAIN=auto go mod edit -toolchain=go1.99.0', exitCode: 0 }),
        expect.objectContaining({ command: 'GOTOOLCHAIN=auto go version', exitCode: 0 }),
      ]);
      expect(r.stderrTail).toContain('go: downloading go1.99.0');
      // the workload's go.sum is complete: the one lookup is the toolchain's (always checked)
      expect(r.sumdb.lookups).toBe(1);
      // the zip (512 KiB of filler) crossed the fake internet
      expect(r.http.bytes).toBeGreaterThan(512 * 1024);
    }
  });
});
