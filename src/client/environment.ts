import { mkdir, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

export interface ClientDirs {
  home: string;
  gopath: string;
  gocache: string;
  tmp: string;
  /** An empty directory: SSL_CERT_DIR points here so only SSL_CERT_FILE is trusted. */
  emptyCertDir: string;
}

export function clientDirs(trialDir: string): ClientDirs {
  return {
    home: join(trialDir, 'home'),
    gopath: join(trialDir, 'gopath'),
    gocache: join(trialDir, 'gocache'),
    tmp: join(trialDir, 'tmp'),
    emptyCertDir: join(trialDir, 'certs'),
  };
}

/**
 * The client's whole environment: nothing of the user's is inherited (their GOPROXY, GOFLAGS
 * or proxies would change what is measured), fresh module and build caches, trust in the
 * run's CA only, then the mitigation's own variables on top.
 */
export function clientEnvironment(goBinary: string, dirs: ClientDirs, caFile: string, extra: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {
    PATH: `${join(goBinary, '..')}${delimiter}/usr/local/bin${delimiter}/usr/bin${delimiter}/bin`,
    HOME: dirs.home,
    TMPDIR: dirs.tmp,
    GOPATH: dirs.gopath,
    GOMODCACHE: join(dirs.gopath, 'pkg', 'mod'),
    GOCACHE: dirs.gocache,
    GOENV: 'off',
    GOTOOLCHAIN: 'local',
    SSL_CERT_FILE: caFile,
    SSL_CERT_DIR: dirs.emptyCertDir,
    // git (go's direct VCS fetches) reads neither the machine's /etc/gitconfig nor the user's
    GIT_CONFIG_NOSYSTEM: '1',
    ...extra,
  };
  // and trusts exactly what go trusts (a mitigation trusting the inspection CA changes both)
  env['GIT_SSL_CAINFO'] ??= env['SSL_CERT_FILE']!;
  return env;
}

/** The comma-separated pattern lists of cmd/go that a snapshot's private modules and a mitigation may both set. */
const PATTERN_LISTS = ['GOPRIVATE', 'GONOPROXY', 'GONOSUMDB'] as const;

/**
 * A mitigation's variables over a project's private settings (the user's GOPRIVATE, carried by
 * its snapshot): where both set a pattern list, go gets both lists, so a mitigation naming other
 * hosts (GOPRIVATE=<module host>) never sends the private modules to a public proxy.
 */
export function withPrivateModules(extra: Readonly<Record<string, string>>, privateEnv: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = { ...privateEnv, ...extra };
  for (const name of PATTERN_LISTS) {
    // a list the mitigation sets apart from GOPRIVATE (GONOSUMDB=...) makes go stop deriving it from
    // the user's GOPRIVATE: the user's GOPRIVATE joins that list
    const mine = privateEnv[name] ?? (name !== 'GOPRIVATE' && extra[name] !== undefined ? privateEnv['GOPRIVATE'] : undefined);
    // a list the user set apart from GOPRIVATE overrides it in go: the mitigation's GOPRIVATE joins it too
    const theirs = extra[name] ?? (name !== 'GOPRIVATE' && mine !== undefined ? extra['GOPRIVATE'] : undefined);
    if (theirs !== undefined && theirs !== mine) env[name] = [theirs, mine].filter(Boolean).join(',');
  }
  return env;
}

/** What the client's Go telemetry does in every trial (recorded in run.json). */
export const CLIENT_TELEMETRY = 'off';

/**
 * Telemetry off in the trial's home, as `go telemetry off` writes it: cmd/go then neither
 * writes counters under $HOME/.config/go/telemetry nor starts the detached child that uploads
 * them, so nothing of the trial outlives it and no machine-wide state enters the measurement.
 */
export async function disableTelemetry(dirs: ClientDirs): Promise<void> {
  const dir = join(dirs.home, '.config', 'go', 'telemetry');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'mode'), CLIENT_TELEMETRY);
}
