import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { HarnessError, errorMessage } from '../errors.ts';

const GO_ENV = 'GOMOD_CHAOS_GO';

export interface GoToolchain {
  binary: string;
  version: string;
  goroot: string;
  /** The toolchain's own defaults, read in a clean environment (never hard-coded). */
  defaultGoproxy: string;
  defaultGosumdb: string;
  /** Whether the go binary itself was built with cgo (the official one is not: netdns=cgo is a no-op). */
  cgoBuild: boolean | undefined;
}

/** The go binary the client runs: $GOMOD_CHAOS_GO or the first `go` on PATH. */
export function findGo(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env[GO_ENV];
  const candidates = explicit ? [explicit] : (env['PATH'] ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'go'));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  throw new HarnessError(
    'GO_MISSING',
    explicit
      ? `${GO_ENV}=${explicit} is not an executable go binary: fix the path or unset it`
      : 'go not found on PATH: install Go (https://go.dev/dl) or put its bin directory on PATH, or set GOMOD_CHAOS_GO=/path/to/go',
  );
}

/** An environment with nothing of the user's Go settings: what `go` does out of the box. */
function cleanGoEnv(goBinary: string, home: string): Record<string, string> {
  return {
    PATH: `${join(goBinary, '..')}${delimiter}/usr/bin${delimiter}/bin`,
    HOME: home,
    GOENV: 'off',
    GOTOOLCHAIN: 'local',
  };
}

export function inspectGo(goBinary: string): GoToolchain {
  const home = mkdtempSync(join(tmpdir(), 'gomod-chaos-goenv-'));
  try {
    const env = { ...cleanGoEnv(goBinary, home), GOCACHE: join(home, 'cache') };
    const json = execFileSync(goBinary, ['env', '-json', 'GOVERSION', 'GOROOT', 'GOPROXY', 'GOSUMDB'], { env, encoding: 'utf8', timeout: 30_000 });
    const values = JSON.parse(json) as Record<string, string>;
    let cgoBuild: boolean | undefined;
    try {
      const info = execFileSync(goBinary, ['version', '-m', join(values['GOROOT'] ?? '', 'bin', 'go')], { env, encoding: 'utf8', timeout: 30_000 });
      const cgo = /^\s*build\s+CGO_ENABLED=(\d)/m.exec(info);
      cgoBuild = cgo ? cgo[1] === '1' : undefined;
    } catch {
      cgoBuild = undefined;
    }
    return {
      binary: goBinary,
      version: values['GOVERSION'] ?? 'unknown',
      goroot: values['GOROOT'] ?? '',
      defaultGoproxy: values['GOPROXY'] ?? '',
      defaultGosumdb: values['GOSUMDB'] ?? '',
      cgoBuild,
    };
  } catch (err) {
    throw new HarnessError('GO_MISSING', `${goBinary} does not work (${errorMessage(err).split('\n')[0]}): reinstall Go or point GOMOD_CHAOS_GO at a working go binary`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** Hostnames of the https entries of a GOPROXY list ("https://a,https://b|direct"). */
export function goproxyHosts(goproxy: string): string[] {
  const hosts: string[] = [];
  for (const entry of goproxy.split(/[,|]/)) {
    try {
      const url = new URL(entry.trim());
      if (url.protocol === 'https:' || url.protocol === 'http:') hosts.push(url.hostname.toLowerCase());
    } catch {
      // direct, off, file://...: no host
    }
  }
  return hosts;
}

/** The checksum database's host: GOSUMDB is "name[+key] [url]"; without a URL the host is the name. */
export function gosumdbHost(gosumdb: string): string | undefined {
  const [nameAndKey, url] = gosumdb.trim().split(/\s+/);
  if (!nameAndKey || nameAndKey === 'off') return undefined;
  if (url) {
    try {
      return new URL(url).hostname.toLowerCase();
    } catch {
      return undefined;
    }
  }
  return nameAndKey.split('+')[0]?.toLowerCase();
}

/**
 * The checksum database a GOSUMDB value names: its name ("name[+hash+key]") and the URL given
 * after it, if any; undefined for "off" or nothing.
 */
export function parseGosumdb(gosumdb: string): { name: string; url?: string } | undefined {
  const [nameAndKey, url] = gosumdb.trim().split(/\s+/);
  const name = nameAndKey?.split('+')[0];
  if (!nameAndKey || nameAndKey === 'off' || !name) return undefined;
  return url ? { name, url } : { name };
}
