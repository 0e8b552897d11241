import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { parseDownloadJson } from '../client/download-output.ts';
import { hashGoMod } from '../corpus/dirhash.ts';
import { escapeModulePath, unescapeModulePath } from '../corpus/escape.ts';
import { DEFAULT_CORPUS, type Corpus, type CorpusModule } from '../corpus/generate.ts';
import { HarnessError } from '../errors.ts';
import type { PrivateModules } from '../corpus/private-modules.ts';
import { goOutside } from './go-outside.ts';
import { goPrivateSettings, privateEnv, snapshotPrivateModules } from './private.ts';
import { snapshotToolchain } from './toolchain-snapshot.ts';

/** Bump when the snapshot's layout or metadata changes, so old snapshots are not reused. */
const SNAPSHOT_VERSION = 2;
/** Files of a project copy that never matter to go and can be large. */
const SKIPPED = new Set(['.git', 'node_modules', '.hg', '.svn']);

/** The snapshot key: the project's go.mod and go.sum (what decides its module graph), and the user's GOPRIVATE settings if any. */
function snapshotKey(projectDir: string, privateSettings: Record<string, string>): string {
  const goMod = join(projectDir, 'go.mod');
  if (!existsSync(goMod)) throw new HarnessError('BAD_INPUT', `${projectDir}: no go.mod here (a project is a Go module's root directory)`);
  const goSum = join(projectDir, 'go.sum');
  return createHash('sha256')
    .update(JSON.stringify({ v: SNAPSHOT_VERSION, goMod: readFileSync(goMod, 'utf8'), goSum: existsSync(goSum) ? readFileSync(goSum, 'utf8') : '', ...(Object.keys(privateSettings).length ? { private: privateSettings } : {}) }))
    .digest('hex')
    .slice(0, 16);
}

function snapshotDir(cacheDir: string, key: string): string {
  return join(cacheDir, 'snapshots', key);
}

/** go.sum lines by "<path> <version>" and "<path> <version>/go.mod". */
function goSumLines(projectDir: string): Map<string, string> {
  const file = join(projectDir, 'go.sum');
  const out = new Map<string, string>();
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [path, version, sum] = line.trim().split(/\s+/);
    if (path && version && sum) out.set(`${path} ${version}`, sum);
  }
  return out;
}

/** A hash no content has: what the database logs for a zip the snapshot never fetched nor go.sum names. */
function unknownZipHash(path: string, version: string): string {
  return `h1:${createHash('sha256').update(`gomod-chaos: zip of ${path}@${version} not in the snapshot`).digest('base64')}`;
}

/**
 * The modules of a download cache (GOMODCACHE/cache/download, a GOPROXY layout): every version
 * with a .mod, with the h1: of its zip (.ziphash, else go.sum) and of its go.mod.
 */
async function cacheModules(downloadDir: string, goSum: Map<string, string>): Promise<CorpusModule[]> {
  const modules: CorpusModule[] = [];
  const visit = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    if (entries.some((e) => e.isDirectory() && e.name === '@v')) {
      const escapedPath = relative(downloadDir, dir).split(sep).join('/');
      const path = unescapeModulePath(escapedPath);
      if (path) modules.push(await moduleOf(join(dir, '@v'), path, escapedPath, goSum));
    }
    for (const e of entries) if (e.isDirectory() && e.name !== '@v' && !(dir === downloadDir && e.name === 'sumdb')) await visit(join(dir, e.name));
  };
  await visit(downloadDir);
  return modules.filter((m) => m.versions.length > 0).sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * The versions of a module the cache holds: each with a .mod, and each with only a zip (go install
 * path@version fetches the zip of every module path the package could be in, without its go.mod).
 */
function cachedVersions(files: readonly string[]): string[] {
  const versions = new Set(files.filter((f) => /\.(mod|zip)$/.test(f)).map((f) => f.replace(/\.(mod|zip)$/, '')));
  return [...versions].sort();
}

async function moduleOf(vDir: string, path: string, escapedPath: string, goSum: Map<string, string>): Promise<CorpusModule> {
  const files = await readdir(vDir);
  const versionSums: CorpusModule['versionSums'] = [];
  let zipBytes = 0;
  let selected: string | undefined;
  for (const escapedVersion of cachedVersions(files)) {
    const version = unescapeModulePath(escapedVersion) ?? escapedVersion;
    const modFile = join(vDir, `${escapedVersion}.mod`);
    const goModSum = existsSync(modFile) ? hashGoMod(await readFile(modFile)) : unknownZipHash(path, `${version}/go.mod`);
    const ziphash = join(vDir, `${escapedVersion}.ziphash`);
    let sum = goSum.get(`${path} ${version}`) ?? unknownZipHash(path, version);
    if (existsSync(ziphash) && existsSync(join(vDir, `${escapedVersion}.zip`))) {
      sum = (await readFile(ziphash, 'utf8')).trim();
      zipBytes += (await stat(join(vDir, `${escapedVersion}.zip`))).size;
      selected = version;
    }
    versionSums.push({ version, sum, goModSum });
  }
  const chosen = versionSums.find((v) => v.version === selected) ?? versionSums[versionSums.length - 1];
  return {
    path,
    escapedPath,
    version: chosen?.version ?? '',
    versions: versionSums.map((v) => v.version),
    deps: [],
    zipBytes,
    sum: chosen?.sum ?? '',
    goModSum: chosen?.goModSum ?? '',
    versionSums,
  };
}

export interface SnapshotLog {
  (line: string): void;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** go's last message and its indented details ("\tserver response: ..."), on one line. */
function lastMessage(stderr: string): string {
  const lines = stderr.trim().split('\n').filter(Boolean);
  const head = lines.findLastIndex((l) => !/^\s/.test(l));
  return oneLine(lines.slice(Math.max(head, 0)).join(' '));
}

/** Runs `go mod download -json all` in `workDir` into `modCache`; throws one error naming each module go could not fetch. */
async function downloadAll(goBinary: string, workDir: string, modCache: string, projectDir: string): Promise<void> {
  const { code, stdout, stderr } = await goOutside(goBinary, ['mod', 'download', '-json', 'all'], { cwd: workDir, modCache, inModule: true });
  const failed = parseDownloadJson(stdout).filter((m) => m.Error);
  if (failed.length > 0) {
    const first = failed[0]!;
    const more = failed.length > 1 ? ` (and ${failed.length - 1} more: ${failed.slice(1, 4).map((m) => m.Path).join(', ')})` : '';
    throw new HarnessError('BAD_INPUT', `snapshot of ${projectDir}: cannot fetch ${first.Path}@${first.Version}: ${oneLine(first.Error ?? '')}${more}`);
  }
  if (code !== 0) {
    const last = lastMessage(stderr);
    throw new HarnessError('BAD_INPUT', `snapshot of ${projectDir}: go mod download all failed (exit ${code}): ${last || 'no output'}`);
  }
}

/** What a snapshot holds, besides its download cache (snapshot.json). */
interface SnapshotMeta {
  version: number;
  project: string;
  modules: CorpusModule[];
  totalZipBytes: number;
  createdAt: string;
  private?: PrivateModules;
  /** What was fetched later for the workloads that need more than the graph (see fetchForWorkloads). */
  extras?: string[];
}

/**
 * A project's dependencies as a corpus: its module graph resolved once, outside the sandbox,
 * through the user's own GOPROXY into a download cache the harness owns, keyed by go.mod+go.sum.
 * The fake internet serves that cache (a GOPROXY layout) and its checksum database logs the
 * real h1: hashes; the workload is the project itself.
 */
export async function ensureSnapshot(projectDir: string, options: { cacheDir: string; goBinary: string; log?: SnapshotLog; needs?: WorkloadNeeds }): Promise<Corpus> {
  const project = resolve(projectDir);
  const privateSettings = goPrivateSettings(options.goBinary);
  const key = snapshotKey(project, privateEnv(privateSettings));
  const dir = snapshotDir(options.cacheDir, key);
  const metaFile = join(dir, 'snapshot.json');
  if (!existsSync(metaFile)) {
    const tmp = `${dir}.tmp-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    try {
      options.log?.(`snapshot: resolving the module graph of ${project} through your GOPROXY (once; kept in ${dir})`);
      const work = join(tmp, 'project');
      await cp(project, work, { recursive: true, filter: (src) => !SKIPPED.has(basename(src)) });
      // a go.mod asking for a newer Go: its toolchain module joins the snapshot, and resolves the rest
      const goBinary = await snapshotToolchain(options.goBinary, project, join(tmp, 'modcache'), options.log);
      await downloadAll(goBinary, work, join(tmp, 'modcache'), project);
      // the list-updates workload: go caches each module's newest version (.info, .mod) and adds
      // it to the cache's @v/list, which the fake internet then serves
      const updates = await goOutside(goBinary, ['list', '-m', '-u', 'all'], { cwd: work, modCache: join(tmp, 'modcache'), inModule: true });
      if (updates.code !== 0) options.log?.(`snapshot: warning: go list -m -u all failed (the list-updates workload will fail): ${lastMessage(updates.stderr)}`);
      await rm(work, { recursive: true, force: true });
      // GOPRIVATE modules: go fetched them with the user's git; the snapshot keeps mirrors of their repositories
      const privateModules = await snapshotPrivateModules(tmp, join(tmp, 'modcache', 'cache', 'download'), privateSettings, options.log);
      const modules = await cacheModules(join(tmp, 'modcache', 'cache', 'download'), goSumLines(project));
      const meta: SnapshotMeta = { version: SNAPSHOT_VERSION, project, modules, totalZipBytes: modules.reduce((s, m) => s + m.zipBytes, 0), createdAt: new Date().toISOString(), ...(privateModules ? { private: privateModules } : {}) };
      await writeFile(join(tmp, 'snapshot.json'), JSON.stringify(meta));
      await mkdir(join(options.cacheDir, 'snapshots'), { recursive: true });
      await rename(tmp, dir).catch(async (err: NodeJS.ErrnoException) => {
        // another run made the same snapshot meanwhile: keep theirs
        if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
      });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
  if (options.needs) await fetchForWorkloads(dir, project, options.needs, options);
  const meta = JSON.parse(await readFile(metaFile, 'utf8')) as SnapshotMeta;
  return {
    dir,
    proxyDir: join(dir, 'modcache', 'cache', 'download'),
    workloadDir: project,
    options: DEFAULT_CORPUS,
    modules: meta.modules,
    totalZipBytes: meta.totalZipBytes,
    project: { dir: project, key },
    ...(meta.private ? { private: meta.private } : {}),
  };
}

/** What the chosen workloads need besides the module graph (and list-updates' newest versions, always fetched). */
export interface WorkloadNeeds {
  /** go get -u ./...: the newest versions of the modules providing imported packages, their zips, new dependencies. */
  getU?: boolean;
  /** go install path@version: the target's own module graph (go ignores the project's go.mod there). */
  install?: string | undefined;
}

/**
 * Adds to a snapshot what its workloads need, once each (recorded in snapshot.json's `extras`):
 * the workload's command runs outside, as in the trial (GOTOOLCHAIN=local), into the snapshot's
 * module cache, so the fake internet then serves what go fetched and the database logs the real
 * hashes (.ziphash). `go install -n` resolves and downloads everything, and builds nothing.
 */
async function fetchForWorkloads(dir: string, project: string, needs: WorkloadNeeds, options: { goBinary: string; log?: SnapshotLog }): Promise<void> {
  const metaFile = join(dir, 'snapshot.json');
  const done = new Set((JSON.parse(await readFile(metaFile, 'utf8')) as SnapshotMeta).extras ?? []);
  const todo = [needs.getU ? 'get-u' : undefined, needs.install ? `install ${needs.install}` : undefined].filter((e): e is string => e !== undefined && !done.has(e));
  if (todo.length === 0) return;
  const work = `${dir}.work-${process.pid}`;
  const modCache = join(dir, 'modcache');
  const env = { GOTOOLCHAIN: 'local', GOBIN: join(work, '.bin') };
  try {
    await rm(work, { recursive: true, force: true });
    await cp(project, work, { recursive: true, filter: (src) => !SKIPPED.has(basename(src)) });
    // only what was fetched whole, or failed for good (the project needs a newer go), is recorded
    const fetched: string[] = [];
    for (const extra of todo) {
      options.log?.(`snapshot: fetching what ${extra === 'get-u' ? 'go get -u ./...' : `go ${extra}`} needs through your GOPROXY (once)`);
      const args = extra === 'get-u' ? ['get', '-u', './...'] : ['install', '-n', needs.install!];
      const { code, stderr } = await goOutside(options.goBinary, args, { cwd: work, modCache, inModule: true, env });
      if (code === 0) {
        fetched.push(extra);
        continue;
      }
      if (code === null) throw new HarnessError('BAD_INPUT', `snapshot of ${project}: go ${args.join(' ')} was stopped by a signal: nothing recorded, it runs again next time`);
      // an install target that cannot be fetched is the user's input; a failing get -u is the project's own fact
      if (extra !== 'get-u') throw new HarnessError('BAD_INPUT', `snapshot of ${project}: cannot fetch ${needs.install}: ${lastMessage(stderr) || `go install exit ${code}`}`);
      const forGood = /requires go >= /.test(stderr);
      if (forGood) fetched.push(extra);
      options.log?.(`snapshot: warning: go get -u ./... failed (${forGood ? `the get-u workload will fail the same way; remove ${dir} to fetch again` : 'not recorded: it is fetched again on next use'}): ${lastMessage(stderr)}`);
    }
    // another run may have added its own extras meanwhile: keep them
    const meta = JSON.parse(await readFile(metaFile, 'utf8')) as SnapshotMeta;
    // private modules go fetched again with git stay out of the public cache (the code host serves them)
    const privatePaths = meta.private?.repos.flatMap((r) => r.modules) ?? [];
    await Promise.all(privatePaths.map((p) => rm(join(modCache, 'cache', 'download', escapeModulePath(p), '@v'), { recursive: true, force: true })));
    const modules = await cacheModules(join(modCache, 'cache', 'download'), goSumLines(project));
    const next: SnapshotMeta = { ...meta, modules, totalZipBytes: modules.reduce((n, m) => n + m.zipBytes, 0), extras: [...new Set([...(meta.extras ?? []), ...fetched])] };
    await writeFile(`${metaFile}.${process.pid}`, JSON.stringify(next));
    await rename(`${metaFile}.${process.pid}`, metaFile);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** "N modules, M MB": what `snapshot` prints. */
export function snapshotSummary(corpus: Corpus): string {
  const versions = corpus.modules.reduce((n, m) => n + m.versions.length, 0);
  const repos = corpus.private?.repos.length ?? 0;
  const mirrored = repos ? `, ${repos} private ${repos === 1 ? 'repository' : 'repositories'}` : '';
  return `${corpus.modules.length} modules, ${(corpus.totalZipBytes / 1e6).toFixed(1)} MB (${versions} go.mod files${mirrored}) in ${corpus.dir}`;
}
