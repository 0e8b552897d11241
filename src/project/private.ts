import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { z } from 'zod';
import { unescapeModulePath } from '../corpus/escape.ts';
import type { PrivateModules, PrivateRepo } from '../corpus/private-modules.ts';
import { HarnessError } from '../errors.ts';

/** The go settings that make modules private, as the trial's environment carries them. */
const PrivateEnvSchema = z.object({ GOPRIVATE: z.string(), GONOPROXY: z.string(), GONOSUMDB: z.string() });
type GoPrivateSettings = z.infer<typeof PrivateEnvSchema>;

/** What `go mod download` writes in a direct fetch's .info: where the version came from (cmd/go codehost.Origin). */
const InfoSchema = z.object({ Origin: z.object({ VCS: z.string(), URL: z.string(), Subdir: z.string().optional() }).optional() });

/** A private module of the download cache: its @v folder and where go fetched it from. */
interface FoundModule {
  path: string;
  vDir: string;
  origin: z.infer<typeof InfoSchema>['Origin'];
}

/** The user's effective settings, from their own `go env` (their environment and their go.env file). */
export function goPrivateSettings(goBinary: string): GoPrivateSettings {
  try {
    // outside any module and with GOTOOLCHAIN=local: a project asking for a newer go must not make
    // go env download a toolchain just to print three settings
    const out = execFileSync(goBinary, ['env', '-json', 'GOPRIVATE', 'GONOPROXY', 'GONOSUMDB'], { encoding: 'utf8', cwd: tmpdir(), env: { ...process.env, GOTOOLCHAIN: 'local' }, stdio: ['ignore', 'pipe', 'pipe'] });
    return PrivateEnvSchema.parse(JSON.parse(out));
  } catch (err) {
    const detail = (err as { stderr?: string }).stderr?.trim() || (err instanceof Error ? err.message : String(err));
    throw new HarnessError('BAD_INPUT', `snapshot: go env GOPRIVATE GONOPROXY GONOSUMDB failed: ${detail.split('\n').at(-1)}`);
  }
}

/** The variables a trial carries: GOPRIVATE, and GONOPROXY / GONOSUMDB only where they differ from it (else go derives them). */
export function privateEnv(settings: GoPrivateSettings): Record<string, string> {
  const env: Record<string, string> = {};
  if (settings.GOPRIVATE) env['GOPRIVATE'] = settings.GOPRIVATE;
  for (const name of ['GONOPROXY', 'GONOSUMDB'] as const) if (settings[name] !== settings.GOPRIVATE) env[name] = settings[name];
  return env;
}

/** One glob element of a pattern as a regular expression (path.Match: `*` and `?` stop at `/`). */
function globElement(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/** cmd/go's module.MatchPrefixPatterns: a pattern matches a path when it matches as many leading elements as it has. */
export function matchesPrivatePatterns(patterns: string, path: string): boolean {
  const elements = path.split('/');
  return patterns
    .split(',')
    .map((p) => p.trim().replace(/\/+$/, ''))
    .filter(Boolean)
    .some((pattern) => {
      const n = pattern.split('/').length;
      return n <= elements.length && globElement(pattern).test(elements.slice(0, n).join('/'));
    });
}

/** The import path prefix a repository holds: the remote's host and path, else the module path without its subdirectory or major version. */
function repoRoot(modulePath: string, subdir: string, remote: URL): string {
  const fromUrl = `${remote.host}${remote.pathname}`.replace(/\/$/, '').replace(/\.git$/, '');
  if (modulePath === fromUrl || modulePath.startsWith(`${fromUrl}/`)) return fromUrl;
  if (subdir && modulePath.endsWith(`/${subdir}`)) return modulePath.slice(0, -subdir.length - 1);
  return modulePath.replace(/\/v\d+$/, '');
}

/** The private modules of a download cache (every module with an @v folder matching GONOPROXY), with where each came from. */
async function privateModules(downloadDir: string, noProxy: string): Promise<FoundModule[]> {
  const found: FoundModule[] = [];
  const visit = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    const path = unescapeModulePath(relative(downloadDir, dir).split(sep).join('/'));
    if (path && entries.some((e) => e.isDirectory() && e.name === '@v') && matchesPrivatePatterns(noProxy, path)) {
      const vDir = join(dir, '@v');
      let origin: FoundModule['origin'];
      for (const info of (await readdir(vDir)).filter((f) => f.endsWith('.info'))) origin ??= InfoSchema.parse(JSON.parse(await readFile(join(vDir, info), 'utf8'))).Origin;
      found.push({ path, vDir, origin });
    }
    for (const e of entries) if (e.isDirectory() && e.name !== '@v' && !(dir === downloadDir && e.name === 'sumdb')) await visit(join(dir, e.name));
  };
  if (existsSync(downloadDir)) await visit(downloadDir);
  return found;
}

/** `git clone --mirror` with the user's own git: their config (insteadOf, credentials), never a prompt. */
function mirrorClone(remote: string, dest: string): Promise<{ ok: boolean; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('git', ['clone', '--mirror', '--quiet', '--', remote, dest], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', (err) => done({ ok: false, stderr: err.message }));
    child.once('close', (code) => done({ ok: code === 0, stderr }));
  });
}

/** One repository per remote URL of the private modules; a module go did not fetch with git is an error naming it. */
function reposOf(modules: readonly FoundModule[], noProxy: string): PrivateRepo[] {
  const byRemote = new Map<string, PrivateRepo>();
  for (const m of modules) {
    if (!m.origin || m.origin.VCS !== 'git' || !/^https?:\/\//.test(m.origin.URL)) {
      const how = m.origin ? `from ${m.origin.VCS} ${m.origin.URL}` : 'not from a repository (a proxy answered it)';
      throw new HarnessError('BAD_INPUT', `snapshot: private module ${m.path} (GONOPROXY=${noProxy}) was fetched ${how}: the run's code host serves only git over https`);
    }
    const url = new URL(m.origin.URL);
    const repo = byRemote.get(m.origin.URL) ?? {
      modulePath: repoRoot(m.path, m.origin.Subdir ?? '', url),
      remote: m.origin.URL,
      gitHost: url.hostname.toLowerCase(),
      urlPath: url.pathname.replace(/^\/+|\/+$/g, ''),
      mirror: join('private', url.hostname.toLowerCase(), `${url.pathname.replace(/^\/+|\/+$/g, '').replace(/\.git$/, '')}.git`),
      modules: [],
    };
    repo.modules.push(m.path);
    byRemote.set(m.origin.URL, repo);
  }
  return [...byRemote.values()];
}

/**
 * The private modules of a snapshot (those the user's GONOPROXY matches: go fetched them with
 * git, as the user's own go does): a full mirror of each remote, made with the user's git,
 * so the run serves real commits (tags and pseudo-versions resolve as on the real host). Their
 * zips leave the public download cache: no public proxy or checksum database knows them.
 */
export async function snapshotPrivateModules(snapshotDir: string, downloadDir: string, settings: GoPrivateSettings, log?: (line: string) => void): Promise<PrivateModules | undefined> {
  if (!settings.GONOPROXY && !settings.GONOSUMDB) return undefined;
  const modules = await privateModules(downloadDir, settings.GONOPROXY);
  const repos = reposOf(modules, settings.GONOPROXY);
  if (repos.length > 0) log?.(`snapshot: mirroring ${repos.length} private ${repos.length === 1 ? 'repository' : 'repositories'} with your git (GONOPROXY=${settings.GONOPROXY})`);
  for (const repo of repos) {
    const dest = join(snapshotDir, repo.mirror);
    await mkdir(join(dest, '..'), { recursive: true });
    const { ok, stderr } = await mirrorClone(repo.remote, dest);
    if (!ok) {
      const last = stderr.trim().split('\n').filter(Boolean).at(-1) ?? 'no output';
      throw new HarnessError('BAD_INPUT', `snapshot: your git cannot mirror ${repo.remote} (private module ${repo.modules.join(', ')}): ${last}`);
    }
  }
  await Promise.all(modules.map((m) => rm(m.vDir, { recursive: true, force: true })));
  return { env: privateEnv(settings), repos };
}

/** The names the run's code host answers for a snapshot's private repositories: each remote's host and each import path's host. */
export function privateHostNames(corpus: { private?: PrivateModules | undefined }): string[] {
  const repos = corpus.private?.repos ?? [];
  return [...new Set(repos.flatMap((r) => [r.gitHost, r.modulePath.split('/')[0]!.toLowerCase()]))];
}
