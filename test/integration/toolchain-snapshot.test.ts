import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findGo } from '../../src/client/toolchain.ts';
import { locateToxiproxy } from '../../src/wan/toxiproxy-binary.ts';
import { syntheticToolchain } from '../../src/workload/toolchain.ts';
import { toolchainModuleVersion } from '../../src/workload/toolchain-line.ts';
import { readRecords, runCli } from '../helpers.ts';

// The snapshot's toolchain path without the real ~75 MB zip: a synthetic go1.98.0 served by a
// file:// GOPROXY (the one setting under which go skips the checksum database for toolchains).
// The real go1.27.4 through the same path is a documented manual command (README).
const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-toolchain-snapshot-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const proxyDir = join(out, 'goproxy');
const cache = join(out, 'cache');
const userEnv = { GOPROXY: `file://${proxyDir}`, GOSUMDB: 'off', GOTOOLCHAIN: 'local', GOMOD_CHAOS_CACHE: cache };

function project(name: string, toolchain: string): string {
  const dir = join(out, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'go.mod'), `module example.com/${name}\n\ngo 1.21\n\ntoolchain ${toolchain}\n`);
  writeFileSync(join(dir, 'main.go'), 'package main\n\nfunc main() {}\n');
  return dir;
}

beforeAll(() => {
  const goarch = execFileSync(findGo(), ['env', 'GOARCH'], { encoding: 'utf8' }).trim();
  for (const [path, response] of syntheticToolchain(toolchainModuleVersion('go1.98.0', process.platform, goarch)).files) {
    mkdirSync(dirname(join(proxyDir, path)), { recursive: true });
    writeFileSync(join(proxyDir, path), response.body);
  }
});

describe("a project's own toolchain line", () => {
  it('the snapshot fetches the toolchain its go.mod asks for through the user\'s GOPROXY; the toolchain workload then switches by that line', async () => {
    const dir = project('own-toolchain', 'go1.98.0');
    const snapshot = await runCli(['snapshot', dir], userEnv);
    expect(snapshot.code, snapshot.stderr.slice(-2000)).toBe(0);
    expect(snapshot.stderr).toContain('asks for go1.98.0');
    expect(snapshot.stdout).toMatch(/^1 modules, 0\.5 MB/);

    const runDir = join(out, 'run');
    const result = await runCli(['run', 'test/fixtures/scenarios/toolchain-switch.ts', '--project', dir, '--out', runDir], { GOMOD_CHAOS_CACHE: cache, GOMOD_CHAOS_TOXIPROXY: locateToxiproxy()!.path });
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    for (const r of readRecords(join(runDir, 'results.jsonl'))) {
      expect(r, r.stderrTail).toMatchObject({ outcome: 'ok', workload: 'toolchain' });
      // no `go mod edit`: the project's line makes go switch
      expect(r.commands).toEqual([expect.objectContaining({ command: 'GOTOOLCHAIN=auto go version', exitCode: 0 })]);
      expect(r.stderrTail).toContain('go: downloading go1.98.0');
      // served from the snapshot, checked against the hash the snapshot's go computed (.ziphash)
      expect(r.sumdb.lookups).toBe(1);
      expect(r.http.bytes).toBeGreaterThan(512 * 1024);
    }
  }, 240_000);

  it('a toolchain the GOPROXY does not have is one error naming it', async () => {
    const result = await runCli(['snapshot', project('missing-toolchain', 'go1.97.0')], userEnv);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^gomod-chaos: snapshot of \S+missing-toolchain: cannot fetch golang\.org\/toolchain@v0\.0\.1-go1\.97\.0\.\S+ \(the toolchain its go\.mod asks for\): /);
  }, 60_000);
});
