import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unzipSync } from 'fflate';
import { findGo } from '../../src/client/toolchain.ts';
import { hash1 } from '../../src/corpus/dirhash.ts';
import { DEFAULT_CORPUS, corpusKey, ensureCorpus, generateCorpus } from '../../src/corpus/generate.ts';
import { escapeModulePath, unescapeModulePath } from '../../src/corpus/escape.ts';

const dir = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-gen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('module path escaping', () => {
  it('escapes upper case as ! + lower case and back', () => {
    expect(escapeModulePath('github.com/Azure/azure-sdk')).toBe('github.com/!azure/azure-sdk');
    expect(unescapeModulePath('github.com/!azure/azure-sdk')).toBe('github.com/Azure/azure-sdk');
    expect(unescapeModulePath('github.com/Azure')).toBeUndefined();
    expect(unescapeModulePath('github.com/!1')).toBeUndefined();
  });
});

describe('synthetic corpus', () => {
  it('is deterministic for a seed and differs for another seed', async () => {
    const opts = { ...DEFAULT_CORPUS, modules: 15, zipSizeKB: { median: 4, sigma: 0.5 } };
    const a = await generateCorpus(opts, join(dir, 'a'));
    const b = await generateCorpus(opts, join(dir, 'b'));
    const c = await generateCorpus({ ...opts, seed: 2 }, join(dir, 'c'));
    expect(a.modules.map((m) => m.sum)).toEqual(b.modules.map((m) => m.sum));
    expect(readFileSync(join(a.workloadDir, 'go.sum'), 'utf8')).toBe(readFileSync(join(b.workloadDir, 'go.sum'), 'utf8'));
    expect(c.modules.map((m) => m.sum)).not.toEqual(a.modules.map((m) => m.sum));
  });

  it('follows the requested shape: count, depth, fan-out and zip sizes', async () => {
    const opts = { ...DEFAULT_CORPUS, modules: 40, depth: 4, fanout: 2, zipSizeKB: { median: 16, sigma: 0 } };
    const corpus = await generateCorpus(opts, join(dir, 'shape'));
    expect(corpus.modules).toHaveLength(40);
    expect(Math.max(...corpus.modules.map((m) => m.deps.length))).toBeLessThanOrEqual(2);
    // sigma 0: every selected zip is about the median (deflate of base64 filler).
    for (const m of corpus.modules) expect(m.zipBytes / 1024).toBeGreaterThan(12);
    for (const m of corpus.modules) expect(m.zipBytes / 1024).toBeLessThan(22);
    // the deepest level has no dependencies, and every dependency chain has at most depth levels
    const byPath = new Map(corpus.modules.map((m) => [m.path, m]));
    const height = (p: string): number => 1 + Math.max(0, ...byPath.get(p)!.deps.map(height));
    expect(Math.max(...corpus.modules.map((m) => height(m.path)))).toBeLessThanOrEqual(4);
    expect(Math.max(...corpus.modules.map((m) => height(m.path)))).toBeGreaterThan(1);
    const goMod = readFileSync(join(corpus.workloadDir, 'go.mod'), 'utf8');
    for (const m of corpus.modules) expect(goMod).toContain(`\t${m.path} ${m.version}`);
  });

  it("goSum 'none': the same modules with an empty go.sum; every version's hashes are in the manifest", async () => {
    const opts = { ...DEFAULT_CORPUS, modules: 6, maxVersions: 3, zipSizeKB: { median: 2, sigma: 0 } };
    const complete = await generateCorpus(opts, join(dir, 'sum-complete'));
    const none = await generateCorpus({ ...opts, goSum: 'none' }, join(dir, 'sum-none'));
    expect(readFileSync(join(complete.workloadDir, 'go.sum'), 'utf8').split('\n')).toHaveLength(2 * 6 + 1);
    expect(readFileSync(join(none.workloadDir, 'go.sum'), 'utf8')).toBe('');
    expect(none.modules).toEqual(complete.modules);
    expect(corpusKey({ ...opts, goSum: 'none' })).not.toBe(corpusKey(opts));
    for (const m of none.modules) {
      expect(m.versionSums.map((v) => v.version)).toEqual(m.versions);
      expect(m.versionSums.at(-1)).toEqual({ version: m.version, sum: m.sum, goModSum: m.goModSum });
      const oldest = m.versionSums[0]!;
      const zip = unzipSync(readFileSync(join(none.proxyDir, m.escapedPath, '@v', `${oldest.version}.zip`)));
      expect(hash1(Object.entries(zip).map(([name, content]) => ({ name, content })))).toBe(oldest.sum);
    }
  });

  it('its first module carries a command: go install <tool> builds it from the corpus alone', async () => {
    const corpus = await generateCorpus({ ...DEFAULT_CORPUS, modules: 4, zipSizeKB: { median: 2, sigma: 0 } }, join(dir, 'tool'));
    const first = corpus.modules[0]!;
    expect(corpus.tool).toBe(`${first.path}/cmd/${first.path.split('/').at(-1)}@${first.version}`);
    // the real go, offline: the corpus's GOPROXY layout is the only source
    const gopath = join(dir, 'tool-gopath');
    const env = { ...process.env, GOPATH: gopath, GOMODCACHE: join(gopath, 'mod'), GOBIN: join(gopath, 'bin'), GOPROXY: `file://${corpus.proxyDir}`, GOSUMDB: 'off', GOFLAGS: '-modcacherw', GOTOOLCHAIN: 'local' };
    execFileSync(findGo(), ['install', corpus.tool!], { cwd: dir, env, stdio: 'pipe' });
    // it prints its package's value (println: on stderr), which adds up every module below it
    const run = spawnSync(join(gopath, 'bin', first.path.split('/').at(-1)!), { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(Number(run.stderr.trim())).toBeGreaterThan(1);
  }, 60_000);

  it('caches by options: the second ensureCorpus reads the manifest', async () => {
    const opts = { ...DEFAULT_CORPUS, modules: 3, zipSizeKB: { median: 2, sigma: 0 } };
    const first = await ensureCorpus(opts, join(dir, 'cache'));
    const second = await ensureCorpus(opts, join(dir, 'cache'));
    expect(second).toEqual(first);
    expect(first.dir).toContain(corpusKey(opts));
  });
});
