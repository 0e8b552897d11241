import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { HarnessError } from '../errors.ts';
import { cacheDir, executable } from '../paths.ts';

export const TOXIPROXY_VERSION = 'v2.5.0';
const TOXIPROXY_MODULE = 'github.com/Shopify/toxiproxy/v2/cmd/server';
export const TOXIPROXY_ENV = 'GOMOD_CHAOS_TOXIPROXY';

export interface ToxiproxyLocation {
  path: string;
  source: 'env' | 'PATH' | 'cache';
}

function cachedToxiproxyPath(): string {
  return join(cacheDir(), 'bin', `toxiproxy-server-${TOXIPROXY_VERSION}`);
}

/** Finds toxiproxy-server: $GOMOD_CHAOS_TOXIPROXY, then PATH, then the harness's own cache. */
export function locateToxiproxy(env: NodeJS.ProcessEnv = process.env): ToxiproxyLocation | undefined {
  const explicit = env[TOXIPROXY_ENV];
  if (explicit) {
    if (!executable(explicit)) {
      throw new HarnessError('TOXIPROXY_MISSING', `${TOXIPROXY_ENV}=${explicit} is not an executable file: fix the path or unset it so the harness installs Toxiproxy itself (npx gomod-chaos setup)`);
    }
    return { path: explicit, source: 'env' };
  }
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir && executable(join(dir, 'toxiproxy-server'))) return { path: join(dir, 'toxiproxy-server'), source: 'PATH' };
  }
  const cached = cachedToxiproxyPath();
  if (executable(cached)) return { path: cached, source: 'cache' };
  return undefined;
}

/**
 * Builds the real Toxiproxy server with `go install` through the user's normal Go module proxy
 * (never through the hostile network) into the harness cache.
 */
export function installToxiproxy(goBinary: string, onProgress: (line: string) => void = () => {}): ToxiproxyLocation {
  const target = cachedToxiproxyPath();
  mkdirSync(join(target, '..'), { recursive: true });
  const gobin = mkdtempSync(join(cacheDir(), 'gobin-'));
  try {
    onProgress(`installing Toxiproxy ${TOXIPROXY_VERSION}: go install ${TOXIPROXY_MODULE}@${TOXIPROXY_VERSION}`);
    const result = spawnSync(goBinary, ['install', `${TOXIPROXY_MODULE}@${TOXIPROXY_VERSION}`], {
      env: { ...process.env, GOBIN: gobin, GOFLAGS: '-mod=mod', CGO_ENABLED: '0' },
      encoding: 'utf8',
      timeout: 600_000,
    });
    const built = join(gobin, 'server');
    if (result.status !== 0 || !existsSync(built)) {
      const tail = `${result.stderr ?? ''}${result.error?.message ?? ''}`.trim().split('\n').slice(-3).join(' | ');
      throw new HarnessError('TOXIPROXY_MISSING', `could not build Toxiproxy with go install ${TOXIPROXY_MODULE}@${TOXIPROXY_VERSION} (${tail || `exit ${result.status}`}): check that your GOPROXY is reachable, or install toxiproxy-server yourself and put it on PATH`);
    }
    renameSync(built, target);
    return { path: target, source: 'cache' };
  } finally {
    rmSync(gobin, { recursive: true, force: true });
  }
}
