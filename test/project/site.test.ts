import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Origin } from '../../src/origin/server.ts';
import { diskSite } from '../../src/project/site.ts';
import { createCertificateAuthority, type CertificateAuthority } from '../../src/tls/ca.ts';

const port = 30_000 + Math.floor(Math.random() * 10_000);
const dir = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-disk-site-'));
// a download cache as go leaves it: served files and its own bookkeeping, which is never served
const vDir = join(dir, 'github.com', '!burnt!sushi', 'toml', '@v');
const zip = randomBytes(24 * 1024 * 1024);
let origin: Origin;
let ca: CertificateAuthority;

beforeAll(async () => {
  mkdirSync(vDir, { recursive: true });
  mkdirSync(join(dir, 'sumdb', 'sum.golang.org', 'lookup'), { recursive: true });
  writeFileSync(join(vDir, 'v1.4.0.zip'), zip);
  writeFileSync(join(vDir, 'v1.4.0.mod'), 'module github.com/BurntSushi/toml\n');
  writeFileSync(join(vDir, 'v1.4.0.ziphash'), 'h1:x\n');
  writeFileSync(join(vDir, 'list'), 'v1.4.0\n');
  writeFileSync(join(dir, 'sumdb', 'sum.golang.org', 'lookup', 'x@v1.0.0'), 'secret');
  ca = await createCertificateAuthority();
  origin = new Origin({ address: '127.0.0.1', port, hosts: [{ name: 'proxy.golang.org', certificate: await ca.issue(['proxy.golang.org']), site: await diskSite(dir) }] });
  await origin.start();
});
afterAll(async () => {
  await origin.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function get(path: string, allowH2: boolean) {
  const dispatcher = new Agent({ allowH2, connect: { ca: ca.certPem, servername: 'proxy.golang.org' } });
  try {
    const res = await request(new URL(path, `https://127.0.0.1:${port}`), { dispatcher, headers: { host: 'proxy.golang.org' } });
    return { status: res.statusCode, length: res.headers['content-length'], body: Buffer.from(await res.body.arrayBuffer()) };
  } finally {
    await dispatcher.close();
  }
}

describe('a snapshot served from disk', () => {
  it('streams a zip larger than an h2 session buffers, byte for byte, over h2 and http/1.1', async () => {
    for (const h2 of [true, false]) {
      const before = origin.requests.length;
      const res = await get('/github.com/!burnt!sushi/toml/@v/v1.4.0.zip', h2);
      expect(res.status).toBe(200);
      expect(res.length).toBe(String(zip.length));
      expect(res.body.equals(zip)).toBe(true);
      const [entry] = origin.requests.slice(before);
      expect(entry).toMatchObject({ protocol: h2 ? 'h2' : 'h1', status: 200, bytes: zip.length });
    }
  });

  it('serves list and .mod; never go\'s own bookkeeping (.ziphash, the sumdb cache)', async () => {
    expect((await get('/github.com/!burnt!sushi/toml/@v/list', true)).body.toString()).toBe('v1.4.0\n');
    expect((await get('/github.com/!burnt!sushi/toml/@v/v1.4.0.mod', true)).body.toString()).toContain('module github.com/BurntSushi/toml');
    expect((await get('/github.com/!burnt!sushi/toml/@v/v1.4.0.ziphash', true)).status).toBe(404);
    expect((await get('/sumdb/sum.golang.org/lookup/x@v1.0.0', true)).status).toBe(404);
  });
});
