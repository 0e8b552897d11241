import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { HarnessError, errorMessage } from '../errors.ts';
import { cacheDir } from '../paths.ts';
import { inspectGo, type GoToolchain } from './toolchain.ts';

const VERSION = /^go1\.\d+(\.\d+)?((rc|beta)\d+)?$/;

function onPath(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // next
    }
  }
  return undefined;
}

function toolchainArch(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch === 'ia32' ? '386' : process.arch;
  return `${process.platform}-${arch}`;
}

/**
 * A go toolchain of that version: the `go` in use when it is that version, a `go1.N.M` wrapper on
 * PATH (golang.org/dl), or the toolchain module fetched once through the user's normal GOPROXY
 * (`GOTOOLCHAIN=go1.N.M go version`, never through the hostile network) into the harness cache.
 */
export function resolveToolchain(version: string, defaultGo: GoToolchain, onProgress: (line: string) => void = () => {}): GoToolchain {
  if (!VERSION.test(version)) {
    throw new HarnessError('BAD_INPUT', `--go: got ${JSON.stringify(version)}; allowed: go versions such as go1.22.12,go1.26.8`);
  }
  if (defaultGo.version === version) return defaultGo;
  const wrapper = onPath(version);
  if (wrapper) {
    try {
      const goroot = execFileSync(wrapper, ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
      return inspectGo(join(goroot, 'bin', 'go'));
    } catch {
      // a wrapper whose toolchain was never downloaded: fall through to the module
    }
  }
  const modcache = join(cacheDir(), 'toolchains');
  const binary = join(modcache, 'golang.org', `toolchain@v0.0.1-${version}.${toolchainArch()}`, 'bin', 'go');
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    onProgress(`fetching ${version} through your GOPROXY (GOTOOLCHAIN=${version} go version)`);
    mkdirSync(modcache, { recursive: true });
    try {
      execFileSync(defaultGo.binary, ['version'], {
        env: { ...process.env, GOTOOLCHAIN: version, GOMODCACHE: modcache, GOFLAGS: '-modcacherw' },
        cwd: modcache,
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: 600_000,
      });
    } catch (err) {
      throw new HarnessError('GO_MISSING', `cannot get ${version} (${errorMessage(err).split('\n').slice(-2).join(' ')}): check the version exists and your GOPROXY is reachable, or put a ${version} wrapper on PATH`);
    }
  }
  const toolchain = inspectGo(binary);
  if (toolchain.version !== version) throw new HarnessError('GO_MISSING', `${binary} says ${toolchain.version}, not ${version}`);
  return toolchain;
}
