import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parseDownloadJson } from '../client/download-output.ts';
import { HarnessError, errorMessage } from '../errors.ts';
import { goLineIsNewer, requiredToolchain, toolchainModuleVersion } from '../workload/toolchain-line.ts';

const run = promisify(execFile);
const TOOLCHAIN_MODULE = 'golang.org/toolchain';
/** A real toolchain zip is ~75 MB: ten minutes covers a slow link. */
const FETCH_TIMEOUT_MS = 600_000;

/** go outside the sandbox, with the user's environment (their GOPROXY, GOSUMDB, credentials) and the snapshot's module cache. */
function goOutside(goBinary: string, args: readonly string[], modCache: string, extra: Readonly<Record<string, string>> = {}) {
  const env = { ...process.env, GOMODCACHE: modCache, GOFLAGS: `${process.env['GOFLAGS'] ?? ''} -modcacherw`.trim(), ...extra };
  // outside any module: the cache's parent (the snapshot's temporary folder) has no go.mod
  return run(goBinary, args, { cwd: dirname(modCache), env, timeout: FETCH_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
}

/**
 * When the project's go.mod makes go switch to a newer toolchain than `goBinary`'s, fetches
 * `golang.org/toolchain@v0.0.1-go<X>.<os>-<arch>` through the user's GOPROXY into the snapshot's
 * module cache (its .info, .mod, .zip and real .ziphash, which the run's proxies serve and its
 * checksum database logs). Returns the go that resolves the rest of the snapshot: that toolchain's
 * when the go line is newer than `goBinary` (which could not read go.mod), else `goBinary`.
 */
export async function snapshotToolchain(goBinary: string, projectDir: string, modCache: string, log?: (line: string) => void): Promise<string> {
  const goMod = await readFile(join(projectDir, 'go.mod'), 'utf8');
  const local = JSON.parse((await goOutside(goBinary, ['env', '-json', 'GOVERSION', 'GOOS', 'GOARCH'], modCache, { GOTOOLCHAIN: 'local' })).stdout) as Record<string, string>;
  const toolchain = requiredToolchain(goMod, local['GOVERSION'] ?? '');
  if (!toolchain) return goBinary;
  const version = toolchainModuleVersion(toolchain, local['GOOS'] ?? '', local['GOARCH'] ?? '');
  log?.(`snapshot: ${projectDir}/go.mod asks for ${toolchain} (this go is ${local['GOVERSION']}): fetching ${TOOLCHAIN_MODULE}@${version} through your GOPROXY (~75 MB, once)`);
  let stdout = '';
  let failure: string | undefined;
  try {
    stdout = (await goOutside(goBinary, ['mod', 'download', '-json', `${TOOLCHAIN_MODULE}@${version}`], modCache, { GOTOOLCHAIN: 'local' })).stdout;
  } catch (err) {
    stdout = (err as { stdout?: string }).stdout ?? '';
    failure = (err as { stderr?: string }).stderr?.trim().split('\n').pop() || errorMessage(err);
  }
  const moduleError = parseDownloadJson(stdout).find((m) => m.Error)?.Error ?? failure;
  if (moduleError) {
    throw new HarnessError('BAD_INPUT', `snapshot of ${projectDir}: cannot fetch ${TOOLCHAIN_MODULE}@${version} (the toolchain its go.mod asks for): ${moduleError.replace(/\s+/g, ' ').trim()}`);
  }
  // go runs it from the cache, setting its exec bits as it does after a toolchain download
  const switched = await goOutside(goBinary, ['version'], modCache, { GOTOOLCHAIN: toolchain });
  if (!switched.stdout.includes(`go version ${toolchain} `)) throw new HarnessError('GO_MISSING', `snapshot of ${projectDir}: ${toolchain} from the module cache says ${switched.stdout.trim()}`);
  // the rest of the snapshot: the go here, unless the go line is too new for it to read go.mod
  return goLineIsNewer(goMod, local['GOVERSION'] ?? '') ? join(modCache, `${TOOLCHAIN_MODULE}@${version}`, 'bin', 'go') : goBinary;
}
