import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findGo } from '../../src/client/toolchain.ts';
import { cacheDir } from '../../src/paths.ts';
import { locateToxiproxy } from '../../src/wan/toxiproxy-binary.ts';
import { readRecords, runCli } from '../helpers.ts';

// The user's private modules, without any outside network: their "git access" is two local bare
// repositories that their git config puts in place of https://github.com/corp-example/ (the
// insteadOf users set for their corporate git), and GOPRIVATE names them.
const dir = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-private-'));
const project = join(dir, 'project');
const remotes = join(dir, 'remotes');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Fixed names and dates: the same commits, with the same hashes, on every run. */
function git(args: string[], cwd: string, date = '2024-01-02T03:04:05Z'): string {
  const who = { GIT_AUTHOR_NAME: 'corp', GIT_AUTHOR_EMAIL: 'dev@corp.example', GIT_COMMITTER_NAME: 'corp', GIT_COMMITTER_EMAIL: 'dev@corp.example' };
  const env = { PATH: process.env['PATH'], HOME: dir, GIT_CONFIG_NOSYSTEM: '1', ...who, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  return execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();
}

/**
 * A repository of module github.com/corp-example/<name> as a bare remote; returns its first commit.
 * `later`: a second commit on top, so the first is no ref's tip (go then fetches every head and
 * tag and unshallows: it never asks a server for an unadvertised hash).
 */
function privateRepo(name: string, source: string, date: string, options: { tag?: string; later?: string } = {}): string {
  const work = join(dir, 'src', name);
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'go.mod'), `module github.com/corp-example/${name}\n\ngo 1.21\n`);
  writeFileSync(join(work, `${name}.go`), source);
  git(['init', '--quiet', '--initial-branch=main', '.'], work);
  git(['add', '-A'], work);
  git(['commit', '--quiet', '-m', name], work, date);
  if (options.tag) git(['tag', options.tag], work);
  const first = git(['rev-parse', 'HEAD'], work);
  if (options.later) {
    writeFileSync(join(work, 'later.go'), `package ${name}\n\nconst Later = true\n`);
    git(['add', '-A'], work);
    git(['commit', '--quiet', '-m', 'later'], work, options.later);
  }
  git(['clone', '--quiet', '--bare', work, join(remotes, `${name}.git`)], dir);
  return first;
}

/** What the user's shell has: GOPRIVATE, their git config; plus a scratch harness cache sharing the build cache. */
const userEnv: NodeJS.ProcessEnv = {
  GOPRIVATE: 'github.com/corp-example',
  GIT_CONFIG_GLOBAL: join(dir, 'gitconfig'),
  GOMOD_CHAOS_CACHE: join(dir, 'harness-cache'),
  GOMOD_CHAOS_TOXIPROXY: locateToxiproxy()!.path,
};

beforeAll(() => {
  privateRepo('greet', 'package greet\n\nfunc Hello() string { return "hello" }\n', '2024-01-02T03:04:05Z', { tag: 'v1.2.0' });
  const util = privateRepo('util', 'package util\n\nfunc Twice(s string) string { return s + s }\n', '2024-02-03T04:05:06Z', { later: '2024-03-04T05:06:07Z' });
  writeFileSync(userEnv['GIT_CONFIG_GLOBAL']!, `[url "file://${remotes}/"]\n\tinsteadOf = https://github.com/corp-example/\n`);
  mkdirSync(project);
  const pseudo = `v0.0.0-20240203040506-${util.slice(0, 12)}`;
  writeFileSync(join(project, 'go.mod'), `module example.com/app\n\ngo 1.21\n\nrequire (\n\tgithub.com/corp-example/greet v1.2.0\n\tgithub.com/corp-example/util ${pseudo}\n)\n`);
  // a library: go build ./... compiles it and links nothing (the trial's CPU stays small)
  writeFileSync(join(project, 'app.go'), 'package app\n\nimport (\n\t"github.com/corp-example/greet"\n\t"github.com/corp-example/util"\n)\n\nfunc Greeting() string { return util.Twice(greet.Hello()) }\n');
  // the user's go.sum, as their own go wrote it (GOPROXY=off: nothing leaves this machine)
  execFileSync(findGo(), ['mod', 'tidy'], { cwd: project, env: { ...process.env, ...userEnv, GOPROXY: 'off', GOFLAGS: '-modcacherw', GOMODCACHE: join(dir, 'user-modcache') } });
  // trials compile with the harness's shared build cache (a cold one costs a minute of CPU)
  mkdirSync(cacheDir(), { recursive: true });
  mkdirSync(join(cacheDir(), 'gocache'), { recursive: true });
  mkdirSync(userEnv['GOMOD_CHAOS_CACHE']!);
  symlinkSync(join(cacheDir(), 'gocache'), join(userEnv['GOMOD_CHAOS_CACHE']!, 'gocache'));
}, 60_000);

describe('GOPRIVATE modules of a project', () => {
  it('snapshot: go fetches them with the user`s git (GOPROXY=off), the snapshot keeps full mirrors of both remotes', async () => {
    const result = await runCli(['snapshot', project], { ...userEnv, GOPROXY: 'off' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^0 modules, 0\.0 MB \(0 go\.mod files, 2 private repositories\) in /);
    expect(result.stderr).toContain('snapshot: mirroring 2 private repositories with your git (GONOPROXY=github.com/corp-example)');
    const snapshot = result.stdout.trim().split(' in ').at(-1)!;
    const mirror = join(snapshot, 'private', 'github.com', 'corp-example', 'greet.git');
    expect(execFileSync('git', ['--git-dir', mirror, 'tag'], { encoding: 'utf8' }).trim()).toBe('v1.2.0');
    // the zips left the public download cache: no public proxy serves them
    expect(existsSync(join(snapshot, 'modcache', 'cache', 'download', 'github.com', 'corp-example', 'greet', '@v'))).toBe(false);
  }, 60_000);

  it('a private module the user`s git cannot fetch is one clear error naming it', async () => {
    const bad = join(dir, 'bad-project');
    mkdirSync(bad);
    writeFileSync(join(bad, 'go.mod'), 'module example.com/bad\n\ngo 1.21\n\nrequire github.com/corp-example/missing v1.0.0\n');
    const result = await runCli(['snapshot', bad], { ...userEnv, GOPROXY: 'off', GOFLAGS: '-mod=mod' });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^gomod-chaos: snapshot of .*: cannot fetch github\.com\/corp-example\/missing@v1\.0\.0: /);
  }, 60_000);

  it('build: git fetches them from github.com in the fake internet (tag and pseudo-version), go.sum verifies them, no checksum database; an SNI filter fails git', async () => {
    const out = join(dir, 'out');
    const result = await runCli(['run', 'scenarios/clean.ts', 'test/fixtures/scenarios/private-sni.ts', '--project', project, '--workload', 'build', '--reps', '1', '--out', out], userEnv);
    // every expectation of both scenarios met (a missed one exits 1)
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    const records = readRecords(join(out, 'results.jsonl'));
    for (const r of records.filter((r) => r.scenario === 'clean')) {
      expect(r, r.stderrTail).toMatchObject({ outcome: 'ok', workload: 'build' });
      expect(r.vcs.git).toBeGreaterThanOrEqual(4);
      expect(Object.keys(r.vcs.byStatus)).toEqual(['200']);
      expect(r.sumdb.requests).toBe(0);
      expect(r.http.requests).toBe(0);
    }
    const spans = readFileSync(join(out, 'trace.jsonl'), 'utf8');
    for (const repo of ['greet', 'util']) {
      expect(spans).toContain(`GET github.com/corp-example/${repo}/info/refs?service=git-upload-pack`);
      expect(spans).toContain(`POST github.com/corp-example/${repo}/git-upload-pack`);
    }
    for (const r of records.filter((r) => r.scenario === 'private-sni')) {
      expect(r).toMatchObject({ outcome: 'fail', failureClass: 'git-reset' });
      expect(r.stderrTail).toMatch(/unable to access 'https:\/\/github\.com\/corp-example\/\w+\/'/);
      // reset after the ClientHello: the code host never saw a request
      expect(r.firewall['sni-reset']).toBeGreaterThan(0);
      expect(r.vcs?.git ?? 0).toBe(0);
    }
  }, 180_000);
});
