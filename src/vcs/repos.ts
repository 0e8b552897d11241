import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { unzipSync } from 'fflate';
import { CORPUS_MODULE_HOST, type Corpus } from '../corpus/generate.ts';
import { HarnessError } from '../errors.ts';

/** One bare repository of the code host: a module's versions, one commit each, tagged. */
export interface VcsRepo {
  /** The module path, as `?go-get=1` is asked for it. */
  modulePath: string;
  /** Where the code host serves it: https://<git host>/<urlPath>. */
  urlPath: string;
  /** The host git fetches it from, when not the code host's own (a private module's repository: its real host). */
  gitHost?: string;
  /** The bare repository on disk. */
  dir: string;
  /** Tags in commit order (`v1.2.3`; a module in a subdirectory would be `dir/v1.2.3`). */
  tags: string[];
}

/** One version to commit: the files of its module zip, at the module's directory in the repository. */
interface RepoVersion {
  tag: string;
  /** Commit time: the version's .info Time. */
  time: Date;
  files: ReadonlyArray<{ name: string; content: Uint8Array }>;
}

/** The code host the corpus's `go-import` tags send git to (the module host itself only answers `?go-get=1`). */
export const CORPUS_GIT_HOST = 'git.corp.example';

const AUTHOR = 'gomod-chaos <vcs@gomod-chaos.invalid>';

/** The files of a module zip, without their `module@version/` prefix. */
function zipFiles(zip: Uint8Array, prefix: string): Array<{ name: string; content: Uint8Array }> {
  return Object.entries(unzipSync(zip))
    .filter(([name]) => name.startsWith(prefix) && !name.endsWith('/'))
    .map(([name, content]) => ({ name: name.slice(prefix.length), content }));
}

/** git fast-import's stream for these versions: one commit per version on main, each tagged. */
function fastImportStream(versions: readonly RepoVersion[]): Buffer {
  const parts: Buffer[] = [];
  const text = (s: string) => parts.push(Buffer.from(s));
  for (const [i, v] of versions.entries()) {
    const when = `${Math.floor(v.time.getTime() / 1000)} +0000`;
    const message = `${v.tag}\n`;
    text(`commit refs/heads/main\nmark :${i + 1}\nauthor ${AUTHOR} ${when}\ncommitter ${AUTHOR} ${when}\n`);
    text(`data ${Buffer.byteLength(message)}\n${message}deleteall\n`);
    for (const f of v.files) {
      text(`M 100644 inline ${f.name}\ndata ${f.content.length}\n`);
      parts.push(Buffer.from(f.content));
      text('\n');
    }
    text(`\nreset refs/tags/${v.tag}\nfrom :${i + 1}\n\n`);
  }
  return Buffer.concat(parts);
}

function git(args: readonly string[], input?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { stdio: [input ? 'pipe' : 'ignore', 'ignore', 'pipe'], env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', HOME: '/nonexistent' } });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => reject(new HarnessError('COMPONENT_START', `vcs host: cannot run git (${err.message}); install git (apt-get install -y git)`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git ${args[0]} exited ${code}: ${stderr.trim()}`))));
    if (child.stdin) {
      // a git that exits early (an error) closes its stdin: the close above reports it, not EPIPE
      child.stdin.on('error', () => {});
      child.stdin.end(input);
    }
  });
}

/** A bare repository at `dir` holding these versions. */
async function buildRepo(dir: string, versions: readonly RepoVersion[]): Promise<void> {
  await git(['init', '--bare', '--quiet', '--initial-branch=main', dir]);
  await git(['--git-dir', dir, 'fast-import', '--quiet'], fastImportStream(versions));
}

/** The module's path on the code host: its path without the module host. */
function repoUrlPath(modulePath: string): string {
  return `${modulePath.slice(modulePath.indexOf('/') + 1)}.git`;
}

/** Bump when the repositories built for the same corpus change: cached ones are not reused. */
const BUILDER_VERSION = 1;
/** Repositories built at once (each is a `git init` and a `git fast-import`). */
const PARALLEL_BUILDS = 4;

/** The corpus's modules the code host serves (a project's modules live on their own hosts: not served by git yet). */
function servedModules(corpus: Corpus): Corpus['modules'] {
  return corpus.modules.filter((m) => m.path.startsWith(`${CORPUS_MODULE_HOST}/`));
}

/** The repositories of the corpus under `root` (built or not). */
function corpusRepos(corpus: Corpus, root: string): VcsRepo[] {
  return servedModules(corpus).map((m) => ({ modulePath: m.path, urlPath: repoUrlPath(m.path), dir: join(root, repoUrlPath(m.path)), tags: [...m.versions] }));
}

async function buildModuleRepo(corpus: Corpus, mod: Corpus['modules'][number], dir: string): Promise<void> {
  const versions: RepoVersion[] = [];
  for (const version of mod.versions) {
    const base = join(corpus.proxyDir, mod.escapedPath, '@v', version);
    const [zip, info] = await Promise.all([readFile(`${base}.zip`), readFile(`${base}.info`, 'utf8')]);
    const time = new Date((JSON.parse(info) as { Time: string }).Time);
    versions.push({ tag: version, time, files: zipFiles(zip, `${mod.path}@${version}/`) });
  }
  await buildRepo(dir, versions);
}

/**
 * One bare repository per module of the corpus under `root`, built from the corpus's own zips
 * (so go, fetching with git, makes zips with the very h1: hashes the checksum database holds).
 */
export async function buildCorpusRepos(corpus: Corpus, root: string): Promise<VcsRepo[]> {
  const repos = corpusRepos(corpus, root);
  const modules = servedModules(corpus);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < modules.length; i = next++) await buildModuleRepo(corpus, modules[i]!, repos[i]!.dir);
  };
  await Promise.all(Array.from({ length: PARALLEL_BUILDS }, worker));
  return repos;
}

/**
 * The corpus's repositories, built once per corpus into the harness cache (`<cache>/vcs/<key>`)
 * and reused by every later run (same corpus, same bytes, same commits).
 */
export async function ensureCorpusRepos(corpus: Corpus, cacheRoot: string): Promise<{ root: string; repos: VcsRepo[] }> {
  const root = join(cacheRoot, `${basename(corpus.dir)}-v${BUILDER_VERSION}`);
  if (existsSync(join(root, COMPLETE))) return { root, repos: corpusRepos(corpus, root) };
  const tmp = `${root}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    // a corpus with no module on the module host (a project's snapshot) has an empty folder
    await mkdir(tmp, { recursive: true });
    await buildCorpusRepos(corpus, tmp);
    await writeFile(join(tmp, COMPLETE), '');
    await rename(tmp, root).catch((err: unknown) => {
      // another run built the same repositories first: use theirs
      if (!existsSync(join(root, COMPLETE))) throw err;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { root, repos: corpusRepos(corpus, root) };
}

const COMPLETE = '.complete';
