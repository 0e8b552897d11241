import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CORPUS, generateCorpus, type Corpus } from '../../src/corpus/generate.ts';
import { emptySite, goproxySite } from '../../src/origin/goproxy-site.ts';
import { Origin } from '../../src/origin/server.ts';
import { createCertificateAuthority, type CertificateAuthority } from '../../src/tls/ca.ts';

const port = 30_000 + Math.floor(Math.random() * 10_000);
const dir = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-origin-'));
let origin: Origin;
let ca: CertificateAuthority;
let corpus: Corpus;

beforeAll(async () => {
  ca = await createCertificateAuthority();
  corpus = await generateCorpus({ ...DEFAULT_CORPUS, seed: 3, modules: 10, zipSizeKB: { median: 4, sigma: 0 } }, join(dir, 'corpus'));
  origin = new Origin({
    address: '127.0.0.1',
    port,
    hosts: [
      { name: 'proxy.golang.org', certificate: await ca.issue(['proxy.golang.org']), site: await goproxySite(corpus.proxyDir) },
      { name: 'sum.golang.org', certificate: await ca.issue(['sum.golang.org']), site: emptySite },
    ],
  });
  await origin.start();
});
afterAll(async () => {
  await origin.stop();
  rmSync(dir, { recursive: true, force: true });
});

function agent(servername: string, allowH2: boolean): Agent {
  return new Agent({ allowH2, connect: { ca: ca.certPem, servername } });
}

describe('origin: GOPROXY over TLS with h2 and http/1.1 by ALPN', () => {
  it('serves list, info, mod, zip and @latest over h2, with escaped paths', async () => {
    const mod = corpus.modules.find((m) => m.escapedPath.includes('!')) ?? corpus.modules[0]!;
    const dispatcher = agent('proxy.golang.org', true);
    const url = (path: string) => new URL(`/${mod.escapedPath}${path}`, `https://127.0.0.1:${port}`);
    const fetchOne = async (path: string) => {
      const res = await request(url(path), { dispatcher, headers: { host: 'proxy.golang.org' } });
      return { status: res.statusCode, body: Buffer.from(await res.body.arrayBuffer()) };
    };
    const before = origin.requests.length;
    expect((await fetchOne('/@v/list')).body.toString()).toContain(mod.version);
    expect(JSON.parse((await fetchOne(`/@v/${mod.version}.info`)).body.toString())).toMatchObject({ Version: mod.version });
    expect((await fetchOne(`/@v/${mod.version}.mod`)).body.toString()).toContain(`module ${mod.path}`);
    const zip = await fetchOne(`/@v/${mod.version}.zip`);
    expect(zip.status).toBe(200);
    expect(zip.body.length).toBe(mod.zipBytes);
    expect(JSON.parse((await fetchOne('/@latest')).body.toString())).toMatchObject({ Version: mod.version });
    const missing = await fetchOne('/@v/v9.9.9.zip');
    expect(missing.status).toBe(404);
    const log = origin.requests.slice(before);
    expect(log.map((r) => r.protocol)).toEqual(Array(6).fill('h2'));
    expect(new Set(log.map((r) => r.connectionId)).size).toBe(1);
    expect(log.find((r) => r.path.endsWith('.zip') && r.status === 200)?.bytes).toBe(mod.zipBytes);
    await dispatcher.close();
  });

  it('speaks http/1.1 to a client that does not offer h2, and logs the handshake', async () => {
    const dispatcher = agent('sum.golang.org', false);
    const beforeHandshakes = origin.handshakes.length;
    const res = await request(new URL('/lookup/x@v1.0.0', `https://127.0.0.1:${port}`), { dispatcher, headers: { host: 'sum.golang.org' } });
    expect(res.statusCode).toBe(404);
    await res.body.dump();
    expect(origin.requests.at(-1)).toMatchObject({ host: 'sum.golang.org', protocol: 'h1', status: 404 });
    expect(origin.handshakes.slice(beforeHandshakes)).toEqual([expect.objectContaining({ sni: 'sum.golang.org', alpn: 'http/1.1' })]);
    await dispatcher.close();
  });

  it('fails the handshake for a name it has no certificate for', async () => {
    const dispatcher = agent('unknown.example', true);
    await expect(request(new URL('/', `https://127.0.0.1:${port}`), { dispatcher })).rejects.toThrow();
    await dispatcher.close();
  });
});
