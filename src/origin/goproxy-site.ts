import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export interface SiteResponse {
  status: number;
  contentType: string;
  body: Buffer;
  /** The body is this file: the origin streams it from disk (and `body` reads it only when asked). */
  file?: { path: string; size: number };
}

/** What one hostname of the origin serves, by request path. */
export type Site = (path: string) => SiteResponse;

const CONTENT_TYPES: Record<string, string> = {
  '.info': 'application/json',
  '.mod': 'text/plain; charset=utf-8',
  '.zip': 'application/zip',
};

export function notFound(path: string): SiteResponse {
  return { status: 404, contentType: 'text/plain; charset=utf-8', body: Buffer.from(`not found: ${path.replace(/^\//, '')}\n`) };
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else out.push(full);
  }
  return out;
}

/**
 * A module proxy serving a GOPROXY directory layout (the corpus) from memory: @v/list,
 * @v/<version>.info/.mod/.zip and @latest, with paths already '!'-escaped on disk.
 */
export async function goproxySite(proxyDir: string): Promise<Site> {
  const files = new Map<string, SiteResponse>();
  for (const file of await walk(proxyDir)) {
    const urlPath = '/' + relative(proxyDir, file).split(sep).join('/');
    const ext = urlPath.slice(urlPath.lastIndexOf('.'));
    const contentType = urlPath.endsWith('/@latest') ? 'application/json' : (CONTENT_TYPES[ext] ?? 'text/plain; charset=utf-8');
    files.set(urlPath, { status: 200, contentType, body: await readFile(file) });
  }
  return (path) => files.get(path) ?? notFound(path);
}

/** A host that exists but serves nothing yet (every path is a 404). */
export const emptySite: Site = (path) => notFound(path);
