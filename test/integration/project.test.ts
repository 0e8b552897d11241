import { cpSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findGo } from '../../src/client/toolchain.ts';
import { cacheDir } from '../../src/paths.ts';
import { ensureSnapshot } from '../../src/project/snapshot.ts';
import { locateToxiproxy } from '../../src/wan/toxiproxy-binary.ts';
import { fileURLToPath } from 'node:url';
import { readRecords, runCli } from '../helpers.ts';

// A real project: gin and the Prometheus client in its module graph (tens of modules), fetched
// once through this machine's GOPROXY into the harness cache, then served by the fake internet.
const FIXTURE = fileURLToPath(new URL('../fixtures/project-gin', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-project-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** go.sum lines: "<path> <version>[/go.mod] <h1>". */
function goSum(dir: string): Array<{ path: string; version: string; goMod: boolean; sum: string }> {
  return readFileSync(join(dir, 'go.sum'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [path, version, sum] = line.split(' ') as [string, string, string];
      return { path, version: version.replace(/\/go\.mod$/, ''), goMod: version.endsWith('/go.mod'), sum };
    });
}

/**
 * A harness cache holding a copy of the project's snapshot where one file of xxhash's zip
 * differs (the zip's own bytes change, and so its dirhash); returns the cache's folder.
 */
async function tamperedCopy(project: string, name: string): Promise<string> {
  const corpus = await ensureSnapshot(project, { cacheDir: cacheDir(), goBinary: findGo() });
  const cache = join(out, name);
  const copy = join(cache, 'snapshots', corpus.project!.key);
  cpSync(corpus.dir, copy, { recursive: true });
  const vDir = join(copy, 'modcache', 'cache', 'download', 'github.com', 'cespare', 'xxhash', 'v2', '@v');
  const zipFile = join(vDir, readdirSync(vDir).find((f) => f.endsWith('.zip'))!);
  const files = unzipSync(readFileSync(zipFile));
  const file = Object.keys(files).find((f) => f.endsWith('/xxhash.go'))!;
  files[file] = Buffer.concat([Buffer.from(files[file]!), Buffer.from('\n// tampered\n')]);
  writeFileSync(zipFile, zipSync(files));
  return cache;
}

describe('a real project through the fake internet', () => {
  beforeAll(async () => {
    // the one step that uses the real module proxy; later runs reuse the harness cache
    await ensureSnapshot(FIXTURE, { cacheDir: cacheDir(), goBinary: findGo() });
  }, 600_000);

  it('snapshot: N modules, M MB; the database entries are go.sum\'s real hashes', async () => {
    const result = await runCli(['snapshot', 'test/fixtures/project-gin']);
    expect(result.code).toBe(0);
    const [, modules, mb] = /^(\d+) modules, ([\d.]+) MB/.exec(result.stdout) ?? [];
    expect(Number(modules)).toBeGreaterThanOrEqual(30);
    expect(Number(mb)).toBeGreaterThan(5);
    const corpus = await ensureSnapshot(FIXTURE, { cacheDir: cacheDir(), goBinary: findGo() });
    const byVersion = new Map(corpus.modules.flatMap((m) => m.versionSums.map((v) => [`${m.path}@${v.version}`, v])));
    const lines = goSum(FIXTURE);
    expect(lines.length).toBeGreaterThan(60);
    for (const line of lines) {
      const entry = byVersion.get(`${line.path}@${line.version}`);
      expect(entry, `${line.path}@${line.version}`).toBeDefined();
      // hashed by us from the cached .mod, read from go's own .ziphash: both equal go.sum
      expect(line.goMod ? entry!.goModSum : entry!.sum, `${line.path}@${line.version}`).toBe(line.sum);
    }
  }, 120_000);

  it('a module that cannot be fetched is one clear error naming it', async () => {
    const bad = join(out, 'bad-project');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'go.mod'), 'module example.com/bad\n\ngo 1.22\n\nrequire github.com/gomod-chaos-test/no-such-module v1.0.0\n');
    writeFileSync(join(bad, 'main.go'), 'package main\n\nimport _ "github.com/gomod-chaos-test/no-such-module"\n\nfunc main() {}\n');
    // the public proxy only (no direct fallback to an unknown host), a scratch cache
    const result = await runCli(['snapshot', bad], { GOPROXY: 'https://proxy.golang.org', GOFLAGS: '-mod=mod', GOMOD_CHAOS_CACHE: join(out, 'cache-bad') });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^gomod-chaos: snapshot of .*github\.com\/gomod-chaos-test\/no-such-module/);
  }, 120_000);

  it('corp-sni-filter --project --workload build: baseline is reset, the mirror builds it, the origin serves the real paths', async () => {
    const dir = join(out, 'sni');
    const result = await runCli(['run', 'scenarios/corp-sni-filter.ts', '--project', 'test/fixtures/project-gin', '--workload', 'build', '--reps', '1', '--timeout', '400s', '--out', dir], { DEBUG: 'gomod-chaos:origin' });
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    const records = readRecords(join(dir, 'results.jsonl'));
    const cell = (name: string) => records.find((r) => r.mitigation.startsWith(name))!;
    expect(cell('baseline')).toMatchObject({ outcome: 'fail', failureClass: 'tcp-reset', workload: 'build' });
    expect(cell('baseline').commands).toEqual([expect.objectContaining({ command: 'go build ./...', exitCode: 1 })]);
    const mirror = cell('mirror-list');
    expect(mirror, mirror.stderrTail).toMatchObject({ outcome: 'ok', workload: 'build', exitCode: 0 });
    expect(mirror.commands).toEqual([expect.objectContaining({ command: 'go build ./...', exitCode: 0 })]);
    // the origin's log: the real module paths, at the mirror's host
    const served = result.stderr.split('\n').filter((l) => l.includes('gomod-chaos:origin') && l.includes(' goproxy.example '));
    for (const path of ['/github.com/prometheus/client_golang/@v/v1.20.5.mod', '/github.com/prometheus/client_golang/@v/v1.20.5.zip', '/github.com/cespare/xxhash/v2/@v/v2.3.0.zip', '/gopkg.in/yaml.v3/@v/v3.0.1.zip']) {
      expect(served.some((l) => l.includes(` ${path}`)), path).toBe(true);
    }
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(run.scenarios[0]).toMatchObject({ project: FIXTURE, workload: 'build' });
  }, 900_000);

  it('a tampered .zip in a copy of the snapshot is caught by go as a checksum mismatch', async () => {
    const cache = await tamperedCopy(FIXTURE, 'cache-tampered');
    const dir = join(out, 'tampered');
    const result = await runCli(['run', 'scenarios/clean.ts', '--project', 'test/fixtures/project-gin', '--reps', '1', '--out', dir], {
      GOMOD_CHAOS_CACHE: cache,
      GOMOD_CHAOS_TOXIPROXY: locateToxiproxy()!.path,
      DEBUG: 'gomod-chaos:origin',
    });
    // clean.ts expects every trial ok: the run says its expectations failed (exit 1)
    expect(result.code, result.stderr.slice(-2000)).toBe(1);
    expect(result.stderr).toContain('clean baseline: expected every trial ok, got fail 1/1');
    const records = readRecords(join(dir, 'results.jsonl'));
    expect(records.length).toBe(2);
    for (const r of records) {
      expect(r).toMatchObject({ outcome: 'fail', failureClass: 'checksum-mismatch', workload: 'download' });
      expect(r.stderrTail).toMatch(/github\.com\/cespare\/xxhash\/v2@v2\.3\.0: checksum mismatch/);
    }
    // the whole graph was loaded from the fake internet (go stops at the first bad zip)
    for (const path of ['/github.com/gin-gonic/gin/@v/v1.10.0.mod', '/github.com/prometheus/client_golang/@v/v1.20.5.mod', '/github.com/cespare/xxhash/v2/@v/v2.3.0.zip']) {
      expect(result.stderr.includes(` proxy.golang.org ${path}`), path).toBe(true);
    }
  }, 300_000);

  it('without go.sum, go asks the run\'s database: the real hashes pass, a tampered zip is a SECURITY ERROR', async () => {
    const project = join(out, 'no-go-sum');
    mkdirSync(project, { recursive: true });
    for (const f of ['go.mod', 'main.go', 'tools.go']) cpSync(join(FIXTURE, f), join(project, f));
    const honest = join(out, 'no-go-sum-honest');
    // baseline only: the database is what this test is about, not the protocol (one trial per run)
    const ok = await runCli(['run', 'test/fixtures/scenarios/clean-baseline.ts', '--project', project, '--out', honest]);
    expect(ok.code, ok.stderr.slice(-2000)).toBe(0);
    expect(readRecords(join(honest, 'results.jsonl'))).toHaveLength(1);
    for (const r of readRecords(join(honest, 'results.jsonl'))) {
      expect(r, r.stderrTail).toMatchObject({ outcome: 'ok', workload: 'download' });
      expect(r.sumdb.lookups).toBeGreaterThan(30);
    }
    const cache = await tamperedCopy(project, 'cache-tampered-no-go-sum');
    const dir = join(out, 'no-go-sum-tampered');
    const bad = await runCli(['run', 'test/fixtures/scenarios/clean-baseline.ts', '--project', project, '--out', dir], { GOMOD_CHAOS_CACHE: cache, GOMOD_CHAOS_TOXIPROXY: locateToxiproxy()!.path });
    expect(bad.code, bad.stderr.slice(-2000)).toBe(1);
    const realSum = goSum(FIXTURE).find((l) => l.path === 'github.com/cespare/xxhash/v2' && l.version === 'v2.3.0' && !l.goMod)!.sum;
    expect(readRecords(join(dir, 'results.jsonl'))).toHaveLength(1);
    for (const r of readRecords(join(dir, 'results.jsonl'))) {
      expect(r).toMatchObject({ outcome: 'fail', failureClass: 'checksum-mismatch' });
      expect(r.stderrTail).toContain('SECURITY ERROR');
      // what the database logged is the real hash (go.sum's)
      expect(r.stderrTail).toContain(`sum.golang.org: ${realSum}`);
    }
  }, 600_000);

  it('list-updates: go finds each module\'s newest version on the fake internet and checks its go.mod with the database', async () => {
    const dir = join(out, 'list-updates');
    const result = await runCli(['run', 'scenarios/clean.ts', '--project', 'test/fixtures/project-gin', '--workload', 'list-updates', '--reps', '1', '--out', dir], { DEBUG: 'gomod-chaos:origin' });
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    for (const r of readRecords(join(dir, 'results.jsonl'))) {
      expect(r, r.stderrTail).toMatchObject({ outcome: 'ok', workload: 'list-updates', commands: [expect.objectContaining({ command: 'go list -m -u all', exitCode: 0 })] });
      // the newest versions' go.mod files are not in go.sum: go asked the database for them
      expect(r.sumdb.lookups).toBeGreaterThan(10);
    }
    const served = result.stderr.split('\n').filter((l) => l.includes('gomod-chaos:origin'));
    expect(served.some((l) => l.endsWith(' /golang.org/x/net/@v/list ') || l.includes(' /golang.org/x/net/@v/list'))).toBe(true);
    // an .info of x/net that is not the version go.sum names
    expect(served.some((l) => /\/golang\.org\/x\/net\/@v\/v[\d.]+\.info/.test(l) && !l.includes('v0.26.0.info'))).toBe(true);
  }, 300_000);
});
