/**
 * The Go floor of bench:harness: a bare net/http HTTPS file server (bench/go-floor/main.go),
 * built here with the local go (standard library only: no network, GOPROXY=off). The binary is
 * kept in the cache under the hash of its source and the go version.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findGo, inspectGo } from '../src/client/toolchain.ts';
import { cacheDir } from '../src/paths.ts';

const SOURCE_DIR = fileURLToPath(new URL('./go-floor/', import.meta.url));

export function buildGoFloor(): string {
  const go = findGo();
  const version = inspectGo(go).version;
  const source = readFileSync(join(SOURCE_DIR, 'main.go'));
  const hash = createHash('sha256').update(version).update(source).digest('hex').slice(0, 16);
  const dir = join(cacheDir(), 'bin', `go-floor-${hash}`);
  const binary = join(dir, 'go-floor');
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`bench: building the Go floor server with ${version}\n`);
  execFileSync(go, ['build', '-trimpath', '-o', binary, '.'], {
    cwd: SOURCE_DIR,
    env: { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off', CGO_ENABLED: '0', GOTOOLCHAIN: 'local' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return binary;
}
