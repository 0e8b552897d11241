/**
 * The Go programs of the benchmarks, built here with the local go (standard library only: no
 * network, GOPROXY=off): the Go floor of bench:harness, a bare net/http HTTPS file server
 * (bench/go-floor/main.go), and bench:relay's client (bench/relay-client/main.go). A binary is
 * kept in the cache under the hash of its source and the go version.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findGo, inspectGo } from '../src/client/toolchain.ts';
import { cacheDir } from '../src/paths.ts';

function buildBenchProgram(name: 'go-floor' | 'relay-client'): string {
  const sourceDir = fileURLToPath(new URL(`./${name}/`, import.meta.url));
  const go = findGo();
  const version = inspectGo(go).version;
  const source = readFileSync(join(sourceDir, 'main.go'));
  const hash = createHash('sha256').update(version).update(source).digest('hex').slice(0, 16);
  const dir = join(cacheDir(), 'bin', `${name}-${hash}`);
  const binary = join(dir, name);
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`bench: building ${name} with ${version}\n`);
  execFileSync(go, ['build', '-trimpath', '-o', binary, '.'], {
    cwd: sourceDir,
    env: { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off', CGO_ENABLED: '0', GOTOOLCHAIN: 'local' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return binary;
}

export const buildGoFloor = () => buildBenchProgram('go-floor');
export const buildRelayClient = () => buildBenchProgram('relay-client');
