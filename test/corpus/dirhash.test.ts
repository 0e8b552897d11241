import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findGo } from '../../src/client/toolchain.ts';
import { DEFAULT_CORPUS, generateCorpus } from '../../src/corpus/generate.ts';
import { hash1, hashGoMod } from '../../src/corpus/dirhash.ts';
import { parseDownloadJson } from '../../src/client/download-output.ts';

describe('h1 dirhash', () => {
  it('matches the published test vector for an empty go.mod', () => {
    expect(hashGoMod('')).toBe('h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=');
  });

  it('sorts file names byte-wise, not by locale', () => {
    const a = { name: 'm@v1.0.0/B.go', content: Buffer.from('b') };
    const b = { name: 'm@v1.0.0/a.go', content: Buffer.from('a') };
    expect(hash1([a, b])).toBe(hash1([b, a]));
    expect(hash1([a, b])).not.toBe(hash1([{ ...a, content: Buffer.from('x') }, b]));
  });
});

describe('synthetic corpus hashes equal what the real go computes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-corpus-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('go mod download reports the same Sum and GoModSum for every module', async () => {
    const corpus = await generateCorpus({ ...DEFAULT_CORPUS, seed: 7, modules: 12, zipSizeKB: { median: 8, sigma: 1 } }, join(dir, 'corpus'));
    expect(corpus.modules.some((m) => m.escapedPath.includes('!'))).toBe(true);
    const go = findGo();
    const home = join(dir, 'home');
    const out = execFileSync(go, ['mod', 'download', '-json', ...corpus.modules.map((m) => `${m.path}@${m.version}`)], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: `${join(go, '..')}:/usr/bin:/bin`,
        HOME: home,
        GOPATH: join(dir, 'gopath'),
        GOCACHE: join(dir, 'gocache'),
        GOFLAGS: '-modcacherw',
        GOENV: 'off',
        GOTOOLCHAIN: 'local',
        GOPROXY: `file://${corpus.proxyDir}`,
        GOSUMDB: 'off',
      },
    });
    const reported = parseDownloadJson(out);
    expect(reported).toHaveLength(corpus.modules.length);
    for (const mod of corpus.modules) {
      const r = reported.find((x) => x.Path === mod.path);
      expect(r?.Error).toBeUndefined();
      expect({ path: mod.path, sum: r?.Sum, goModSum: r?.GoModSum }).toEqual({ path: mod.path, sum: mod.sum, goModSum: mod.goModSum });
    }
  });
});
