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
  return {
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
    ...extra,
  };
}
