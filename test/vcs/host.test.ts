import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CORPUS, generateCorpus, type Corpus } from '../../src/corpus/generate.ts';
import { hash1 } from '../../src/corpus/dirhash.ts';
import { createCertificateAuthority, type CertificateAuthority } from '../../src/tls/ca.ts';
import { buildCorpusRepos, type VcsRepo } from '../../src/vcs/repos.ts';
import { VcsHost } from '../../src/vcs/server.ts';

const port = 30_000 + Math.floor(Math.random() * 10_000);
const dir = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-vcs-'));
const GIT_HOST = 'git.corp.example';
/** A project's private repository at its own (non-static) host: go asks it ?go-get=1, git fetches from it. */
const OWN_HOST = 'code.corp.example';
let corpus: Corpus;
let repos: VcsRepo[];
let host: VcsHost;
let ca: CertificateAuthority;

beforeAll(async () => {
  corpus = await generateCorpus({ ...DEFAULT_CORPUS, modules: 3, seed: 7, zipSizeKB: { median: 4, sigma: 0.1 } }, join(dir, 'corpus'));
  repos = await buildCorpusRepos(corpus, join(dir, 'repos'));
  ca = await createCertificateAuthority();
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  const names = ['gomod.example', GIT_HOST, OWN_HOST];
  host = new VcsHost({
    address: '127.0.0.1',
    port,
    hosts: await Promise.all(names.map(async (name) => ({ name, certificate: await ca.issue([name]) }))),
    gitHost: GIT_HOST,
    content: { root: join(dir, 'repos'), repos: [...repos, { modulePath: `${OWN_HOST}/team/lib`, urlPath: 'team/lib.git', gitHost: OWN_HOST, dir: repos[0]!.dir, tags: [] }] },
  });
  await host.start();
});
afterAll(async () => {
  await host?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The real git client, resolving the code host to our listener and trusting only the test CA. */
async function git(args: string[], cwd = dir): Promise<string> {
  const config = ['-c', `http.curloptResolve=${GIT_HOST}:${port}:127.0.0.1`, '-c', `http.curloptResolve=${OWN_HOST}:${port}:127.0.0.1`, '-c', `http.sslCAInfo=${join(dir, 'ca.pem')}`];
  const env = { PATH: process.env['PATH'], HOME: dir, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' };
  return (await promisify(execFile)('git', [...config, ...args], { cwd, encoding: 'utf8', env })).stdout;
}

describe('the code host', () => {
  it('answers ?go-get=1 for a module and for a package inside it with the go-import tag; unknown paths are 404', async () => {
    const dispatcher = new Agent({ connect: { ca: ca.certPem, servername: 'gomod.example' } });
    const get = async (path: string) => {
      const res = await request(`https://127.0.0.1:${port}${path}`, { dispatcher, headers: { host: 'gomod.example' } });
      return { status: res.statusCode, body: await res.body.text() };
    };
    const mod = corpus.modules[0]!;
    const tag = `<meta name="go-import" content="${mod.path} git https://${GIT_HOST}/${repos[0]!.urlPath}">`;
    const page = await get(`/${mod.path.split('/').slice(1).join('/')}?go-get=1`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(tag);
    expect((await get(`/${mod.path.split('/').slice(1).join('/')}/sub/pkg?go-get=1`)).body).toContain(tag);
    expect((await get('/nothing/here?go-get=1')).status).toBe(404);
    await dispatcher.close();
  });

  it('serves real git smart HTTP: ls-remote lists every version tag, a clone of a tag holds the zip`s files with its h1: hash', async () => {
    const mod = corpus.modules.find((m) => m.versions.length > 1) ?? corpus.modules[0]!;
    const repo = repos.find((r) => r.modulePath === mod.path)!;
    const url = `https://${GIT_HOST}:${port}/${repo.urlPath}`;
    const tags = (await git(['ls-remote', '--tags', url])).trim().split('\n').map((l) => l.split('refs/tags/')[1]);
    expect(tags.sort()).toEqual([...mod.versions].sort());
    await git(['clone', '--quiet', '--depth=1', '--branch', mod.version, url, 'clone']);
    const files = (await git(['ls-files'], join(dir, 'clone'))).trim().split('\n');
    const hashed = files.map((name) => ({ name: `${mod.path}@${mod.version}/${name}`, content: readFileSync(join(dir, 'clone', name)) }));
    expect(hash1(hashed)).toBe(mod.sum);
    const log = host.drainLog();
    expect(log.some((e) => e.url.includes('/info/refs?service=git-upload-pack') && e.userAgent.startsWith('git/') && e.status === 200)).toBe(true);
    expect(log.some((e) => e.method === 'POST' && e.url.endsWith('/git-upload-pack') && e.status === 200 && e.bytes > 0)).toBe(true);
  });

  it("serves a private repository at its own host: go-import names that host, git's requests are routed by host and path", async () => {
    const dispatcher = new Agent({ connect: { ca: ca.certPem, servername: OWN_HOST } });
    const res = await request(`https://127.0.0.1:${port}/team/lib/pkg?go-get=1`, { dispatcher, headers: { host: OWN_HOST } });
    expect(await res.body.text()).toContain(`<meta name="go-import" content="${OWN_HOST}/team/lib git https://${OWN_HOST}/team/lib.git">`);
    await dispatcher.close();
    const tags = (await git(['ls-remote', '--tags', `https://${OWN_HOST}:${port}/team/lib.git`])).trim().split('\n').map((l) => l.split('refs/tags/')[1]);
    expect(tags.sort()).toEqual([...repos[0]!.tags].sort());
    // the same path at the corpus's git host is no repository
    await expect(git(['ls-remote', `https://${GIT_HOST}:${port}/team/lib.git`])).rejects.toThrow(/not found: git\.corp\.example\/team\/lib\.git/);
  });
});
