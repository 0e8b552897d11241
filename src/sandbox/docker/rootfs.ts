/**
 * Local artifacts laid out in an image's rootfs/ (the docker backend with no registry): a binary
 * with the shared libraries it links, at the paths it expects. images.ts builds the images.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/** The shared libraries a binary loads (ldd), the loader included. */
export function sharedLibraries(binary: string): string[] {
  let out: string;
  try {
    out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  } catch {
    return []; // static
  }
  return [...out.matchAll(/(\/\S+)\s+\(0x/g)].map((m) => m[1]!);
}

/** Copies `from` to the absolute path `to` under `rootfs` (mode kept). */
export function placeFile(rootfs: string, from: string, to: string): void {
  mkdirSync(dirname(join(rootfs, to)), { recursive: true });
  copyFileSync(from, join(rootfs, to));
}

/** This machine's git, as the images need it: the binary go runs, and where git finds its helpers. */
interface HostGit {
  binary: string;
  /** `git --exec-path`: git-remote-https (libcurl) and git-http-backend live here; the path is compiled in. */
  execPath: string;
  /** The templates `git init` copies (go runs it), when present. */
  templates: string | undefined;
}

function hostGit(): HostGit | undefined {
  const binary = (process.env['PATH'] ?? '').split(delimiter).map((dir) => join(dir, 'git')).find((path) => existsSync(path));
  if (!binary) return undefined;
  try {
    const execPath = execFileSync(binary, ['--exec-path'], { encoding: 'utf8' }).trim();
    const templates = join(dirname(dirname(execPath)), 'share', 'git-core', 'templates');
    return { binary, execPath, templates: existsSync(templates) ? templates : undefined };
  } catch {
    return undefined;
  }
}

/** The programs of git the client and the code host run: git itself, its HTTPS transport, http-backend. */
const GIT_PROGRAMS = ['git', 'git-remote-http', 'git-http-backend'];

/**
 * This machine's git as a layer on the node base: /usr/bin/git, its helpers at their compiled-in
 * exec path, the templates, and the shared libraries they link that the base (`baseLibs`) lacks.
 * `inputs` change when any of it does (the image's tag hashes them). No git here: an empty layer.
 */
export function gitLayer(baseLibs: readonly string[]): { inputs: string[]; assemble(rootfs: string): void } {
  const git = hostGit();
  const programs = git ? [git.binary, ...GIT_PROGRAMS.map((p) => join(git.execPath, p))].filter((p) => existsSync(p)) : [];
  const onBase = new Set(baseLibs);
  const libs = [...new Set(programs.flatMap((p) => sharedLibraries(p)))].filter((lib) => !onBase.has(lib)).sort();
  const inputs = [...programs.flatMap((p) => [p, String(statSync(p).size), String(statSync(p).mtimeMs)]), ...libs, git?.templates ?? ''];
  const assemble = (rootfs: string) => {
    mkdirSync(rootfs, { recursive: true });
    if (!git) return;
    placeFile(rootfs, git.binary, '/usr/bin/git');
    for (const p of programs.slice(1)) placeFile(rootfs, p, p);
    // git-remote-https: a link to git-remote-http in Debian's package (a copy elsewhere)
    const https = join(git.execPath, 'git-remote-https');
    if (existsSync(https) && lstatSync(https).isSymbolicLink()) symlinkSync(readlinkSync(https), join(rootfs, https));
    else if (existsSync(https)) placeFile(rootfs, https, https);
    for (const lib of libs) placeFile(rootfs, lib, lib);
    if (git.templates) cpSync(git.templates, join(rootfs, git.templates), { recursive: true });
  };
  return { inputs, assemble };
}
