import { readdir } from 'node:fs/promises';
import { readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Corpus } from '../corpus/generate.ts';
import { goproxySite, notFound, type Site } from '../origin/goproxy-site.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.info': 'application/json',
  '.mod': 'text/plain; charset=utf-8',
  '.zip': 'application/zip',
};

/** The files of a download cache a module proxy serves: list, .info, .mod, .zip (not .ziphash, .lock, .partial). */
const SERVED = /\/@v\/(list|[^/]+\.(info|mod|zip))$/;

async function indexOf(proxyDir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!(dir === proxyDir && entry.name === 'sumdb')) await walk(full);
        continue;
      }
      const urlPath = '/' + relative(proxyDir, full).split(sep).join('/');
      if (SERVED.test(urlPath)) files.set(urlPath, full);
    }
  };
  await walk(proxyDir);
  return files;
}

/**
 * A module proxy serving a GOMODCACHE download cache (a snapshot) from disk: only the index of
 * paths is in memory; the origin streams each file with the connection's backpressure.
 */
export async function diskSite(proxyDir: string): Promise<Site> {
  const files = await indexOf(proxyDir);
  return (path) => {
    const file = files.get(path);
    if (!file) return notFound(path);
    const ext = path.slice(path.lastIndexOf('.'));
    const contentType = CONTENT_TYPES[ext] ?? 'text/plain; charset=utf-8';
    // the origin streams the file; a mitigation's local proxy reads `body` (only then is it read)
    return {
      status: 200,
      contentType,
      file: { path: file, size: statSync(file).size },
      get body() {
        return readFileSync(file);
      },
    };
  };
}

/** What the module proxies of a run serve: the synthetic corpus from memory, a project's snapshot from disk. */
export function corpusSite(corpus: Corpus): Promise<Site> {
  return corpus.project ? diskSite(corpus.proxyDir) : goproxySite(corpus.proxyDir);
}
