import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseDownloadJson } from '../client/download-output.ts';
import { HarnessError } from '../errors.ts';
import { goOutside } from './go-outside.ts';
import { goLineIsNewer, requiredToolchain, toolchainModuleVersion } from '../workload/toolchain-line.ts';

const TOOLCHAIN_MODULE = 'golang.org/toolchain';
/** A real toolchain zip is ~75 MB: ten minutes covers a slow link. */
const FETCH_TIMEOUT_MS = 600_000;

/** go outside any module (the cache's parent, the snapshot's temporary folder, has no go.mod). */
const outside = (goBinary: string, args: readonly string[], modCache: string, env: Readonly<Record<string, string>>) => goOutside(goBinary, args, { cwd: dirname(modCache), modCache, env, timeoutMs: FETCH_TIMEOUT_MS });

/**
 * When the project's go.mod makes go switch to a newer toolchain than `goBinary`'s, fetches
 * `golang.org/toolchain@v0.0.1-go<X>.<os>-<arch>` through the user's GOPROXY into the snapshot's
 * module cache (its .info, .mod, .zip and real .ziphash, which the run's proxies serve and its
 * checksum database logs). Returns the go that resolves the rest of the snapshot: that toolchain's
 * when the go line is newer than `goBinary` (which could not read go.mod), else `goBinary`.
 */
export async function snapshotToolchain(goBinary: string, projectDir: string, modCache: string, log?: (line: string) => void): Promise<string> {
  const goMod = await readFile(join(projectDir, 'go.mod'), 'utf8');
  const env = await outside(goBinary, ['env', '-json', 'GOVERSION', 'GOOS', 'GOARCH'], modCache, { GOTOOLCHAIN: 'local' });
  if (env.code !== 0) throw new HarnessError('GO_MISSING', `snapshot of ${projectDir}: go env failed: ${env.stderr.trim().split('\n').pop() ?? ''}`);
  const local = JSON.parse(env.stdout) as Record<string, string>;
  const toolchain = requiredToolchain(goMod, local['GOVERSION'] ?? '');
  if (!toolchain) return goBinary;
  const version = toolchainModuleVersion(toolchain, local['GOOS'] ?? '', local['GOARCH'] ?? '');
  log?.(`snapshot: ${projectDir}/go.mod asks for ${toolchain} (this go is ${local['GOVERSION']}): fetching ${TOOLCHAIN_MODULE}@${version} through your GOPROXY (~75 MB, once)`);
  const fetched = await outside(goBinary, ['mod', 'download', '-json', `${TOOLCHAIN_MODULE}@${version}`], modCache, { GOTOOLCHAIN: 'local' });
  const failure = fetched.code === 0 ? undefined : fetched.stderr.trim().split('\n').pop() || `go mod download exit ${fetched.code}`;
  const moduleError = parseDownloadJson(fetched.stdout).find((m) => m.Error)?.Error ?? failure;
  if (moduleError) {
    throw new HarnessError('BAD_INPUT', `snapshot of ${projectDir}: cannot fetch ${TOOLCHAIN_MODULE}@${version} (the toolchain its go.mod asks for): ${moduleError.replace(/\s+/g, ' ').trim()}`);
  }
  // go runs it from the cache, setting its exec bits as it does after a toolchain download
  const switched = await outside(goBinary, ['version'], modCache, { GOTOOLCHAIN: toolchain });
  if (!switched.stdout.includes(`go version ${toolchain} `)) throw new HarnessError('GO_MISSING', `snapshot of ${projectDir}: ${toolchain} from the module cache says ${switched.stdout.trim()}`);
  // the rest of the snapshot: the go here, unless the go line is too new for it to read go.mod
  return goLineIsNewer(goMod, local['GOVERSION'] ?? '') ? join(modCache, `${TOOLCHAIN_MODULE}@${version}`, 'bin', 'go') : goBinary;
}
