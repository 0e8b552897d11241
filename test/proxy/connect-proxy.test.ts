import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeResolver } from '../../src/dns/server.ts';
import { TrialClock } from '../../src/faults/window.ts';
import { ConnectProxy, parseConnectTarget, type ProxyLogEntry } from '../../src/proxy/connect-proxy.ts';
import { proxyFaultSchemas } from '../../src/proxy/faults.ts';
import { createRandom } from '../../src/random.ts';
import { createCertificateAuthority } from '../../src/tls/ca.ts';
import { z } from 'zod';
import { waitFor } from '../helpers.ts';

const randomPort = () => 30_000 + Math.floor(Math.random() * 10_000);

/** Starts what start() returns on a random high port, trying another port when one is taken. */
async function onRandomPort<T extends { start(): Promise<void> }>(make: (port: number) => T): Promise<{ value: T; port: number }> {
  for (let attempt = 0; ; attempt++) {
    const port = randomPort();
    const value = make(port);
    try {
      await value.start();
      return { value, port };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 10) throw err;
    }
  }
}

function listenRandom(server: net.Server): Promise<number> {
  return onRandomPort((port) => ({
    start: () =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      }),
  })).then(({ port }) => port);
}

/** A client of the proxy: sends one request head and reads the proxy's answer. */
class ProxyClient {
  readonly socket: net.Socket;
  received = Buffer.alloc(0);
  readonly closed: Promise<void>;

  constructor(port: number) {
    this.socket = net.connect({ host: '127.0.0.1', port });
    this.socket.on('data', (chunk: Buffer) => (this.received = Buffer.concat([this.received, chunk])));
    this.socket.on('error', () => {});
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  /** Resolves with the status and head once the answer's head has arrived. */
  async answer(): Promise<{ status: number; head: string; rest: () => Buffer }> {
    const end = await waitFor('the proxy answer', () => {
      const i = this.received.indexOf('\r\n\r\n');
      return i === -1 ? (this.socket.closed ? -1 : undefined) : i + 4;
    }, 10_000);
    if (end === -1) throw new Error(`connection closed before an answer: ${JSON.stringify(this.received.toString())}`);
    const head = this.received.subarray(0, end).toString('latin1');
    return { status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1]), head, rest: () => this.received.subarray(end) };
  }

  close(): void {
    this.socket.destroy();
  }
}

async function connectThrough(proxyPort: number, target: string, headers: readonly string[] = []) {
  const client = new ProxyClient(proxyPort);
  const sentAt = performance.now();
  client.socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`);
  const answer = await client.answer();
  return { client, ...answer, elapsedMs: performance.now() - sentAt };
}

const basic = (user: string, password: string) => `Proxy-Authorization: Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const clock = new TrialClock();
let resolver: FakeResolver;
let resolverPort: number;
let proxy: ConnectProxy;
let proxyPort: number;
let echoPort: number;
let deadPort: number;
const echoPeers: string[] = [];
const echo = net.createServer((socket) => {
  echoPeers.push(socket.remoteAddress ?? '');
  socket.on('error', () => {});
  socket.pipe(socket);
});

const newestEntry = async (count: number, settled: (e: ProxyLogEntry) => boolean = (e) => e.durationMs > 0): Promise<ProxyLogEntry> =>
  waitFor('the log entry to settle', () => proxy.log.length > count && settled(proxy.log.at(-1)!) && proxy.log.at(-1), 5_000);

beforeAll(async () => {
  ({ value: resolver, port: resolverPort } = await onRandomPort(
    (port) =>
      new FakeResolver({
        address: '127.0.0.1',
        port,
        ttlSec: 60,
        clock,
        zone: new Map([
          ['mirror.example', { a: ['127.0.0.1'], aaaa: [] }],
          ['other.example', { a: ['127.0.0.1'], aaaa: [] }],
        ]),
      }),
  ));
  echoPort = await listenRandom(echo);
  // A port where nothing listens: bind one, then close it.
  const placeholder = net.createServer();
  deadPort = await listenRandom(placeholder);
  await new Promise<void>((resolve) => placeholder.close(() => resolve()));
  clock.start();
  ({ value: proxy, port: proxyPort } = await onRandomPort((port) => new ConnectProxy({ address: '127.0.0.1', port, resolver: { address: '127.0.0.1', port: resolverPort }, clock })));
});

afterEach(() => {
  proxy.clearFaults();
  resolver.policy.clear();
  clock.start();
});

afterAll(async () => {
  await proxy?.stop();
  await new Promise<void>((resolve) => echo.close(() => resolve()));
  await resolver?.stop();
});

describe('connect proxy over real sockets', () => {
  it('tunnels an allowed CONNECT to the address from the fake DNS and logs it', async () => {
    const before = proxy.log.length;
    const { client, status, head } = await connectThrough(proxyPort, `mirror.example:${echoPort}`);
    expect(status).toBe(200);
    expect(head).toBe('HTTP/1.1 200 Connection established\r\n\r\n');
    client.socket.write('hello through the tunnel');
    await waitFor('the echo', () => client.received.toString().endsWith('hello through the tunnel'), 5_000);
    client.socket.end();
    await client.closed;
    const entry = await newestEntry(before);
    expect(entry).toMatchObject({ target: 'mirror.example', port: echoPort, status: 200, resolved: '127.0.0.1', bytesUp: 24, bytesDown: 24 });
    expect(entry.fault).toBeUndefined();
    expect(resolver.log.at(-1)).toMatchObject({ name: 'mirror.example', type: 'A', rcode: 'NOERROR' });
  });

  it('forwards bytes sent right after the request head', async () => {
    const client = new ProxyClient(proxyPort);
    client.socket.write(`CONNECT 127.0.0.1:${echoPort} HTTP/1.1\r\nHost: x\r\n\r\nearly`);
    expect((await client.answer()).status).toBe(200);
    await waitFor('the early bytes echoed', () => client.received.toString().endsWith('early'), 5_000);
    client.close();
    expect(proxy.log.at(-1)).toMatchObject({ target: '127.0.0.1', resolved: '127.0.0.1', status: 200, bytesUp: 5 });
  });

  it('denies a CONNECT on the deny-list with 403 and closes; other names still pass', async () => {
    proxy.setFaults([{ kind: 'proxy-deny', match: 'mirror.example' }]);
    const before = proxy.log.length;
    const denied = await connectThrough(proxyPort, `mirror.example:${echoPort}`);
    expect(denied.status).toBe(403);
    expect(denied.head).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    await denied.client.closed;
    expect(await newestEntry(before)).toMatchObject({ target: 'mirror.example', status: 403, fault: 'proxy-deny', bytesUp: 0, bytesDown: 0 });
    expect(proxy.log.at(-1)?.resolved).toBeUndefined();

    const allowed = await connectThrough(proxyPort, `other.example:${echoPort}`);
    expect(allowed.status).toBe(200);
    allowed.client.close();
  });

  it('requires proxy authentication: 407 without or with wrong credentials, 200 with the right ones', async () => {
    proxy.setFaults([{ kind: 'proxy-auth-required', username: 'alice', password: 's3cret' }]);
    const without = await connectThrough(proxyPort, `mirror.example:${echoPort}`);
    expect(without.status).toBe(407);
    expect(without.head).toMatch(/^HTTP\/1\.1 407 Proxy Authentication Required\r\n/);
    expect(without.head).toContain('\r\nProxy-Authenticate: Basic realm="corp"\r\n');
    await without.client.closed;
    expect(proxy.log.at(-1)).toMatchObject({ status: 407, fault: 'proxy-auth-required' });

    const wrong = await connectThrough(proxyPort, `mirror.example:${echoPort}`, [basic('alice', 'guess')]);
    expect(wrong.status).toBe(407);
    wrong.client.close();

    const right = await connectThrough(proxyPort, `mirror.example:${echoPort}`, [basic('alice', 's3cret')]);
    expect(right.status).toBe(200);
    right.client.close();
  });

  it('checks authentication before the deny-list', async () => {
    proxy.setFaults([
      { kind: 'proxy-deny', match: '*.example' },
      { kind: 'proxy-auth-required', match: '*', username: 'u', password: 'p' },
    ]);
    expect((await connectThrough(proxyPort, `mirror.example:${echoPort}`)).status).toBe(407);
    expect((await connectThrough(proxyPort, `mirror.example:${echoPort}`, [basic('u', 'p')])).status).toBe(403);
  });

  it('adds latency before answering the CONNECT', async () => {
    proxy.setFaults([{ kind: 'proxy-latency', delay: 300 }]);
    const { client, status, elapsedMs } = await connectThrough(proxyPort, `mirror.example:${echoPort}`);
    expect(status).toBe(200);
    expect(elapsedMs).toBeGreaterThanOrEqual(300);
    client.close();
    expect(proxy.log.at(-1)).toMatchObject({ status: 200, fault: 'proxy-latency' });
  });

  it('answers 502 for a name the fake DNS does not know and for a port where nothing listens', async () => {
    const unknown = await connectThrough(proxyPort, `nowhere.example:${echoPort}`);
    expect(unknown.status).toBe(502);
    await unknown.client.closed;
    expect(unknown.rest().toString()).toContain('DNS lookup of nowhere.example failed: ENOTFOUND');
    expect(proxy.log.at(-1)).toMatchObject({ target: 'nowhere.example', status: 502 });

    const refused = await connectThrough(proxyPort, `mirror.example:${deadPort}`);
    expect(refused.status).toBe(502);
    await refused.client.closed;
    expect(refused.rest().toString()).toContain('ECONNREFUSED');
    expect(proxy.log.at(-1)).toMatchObject({ target: 'mirror.example', resolved: '127.0.0.1', status: 502 });
  });

  it('answers 502 when the fake DNS fails the lookup (SERVFAIL) or never answers', async () => {
    resolver.policy.setFaults([{ kind: 'dns-servfail', match: 'mirror.example' }], createRandom(1));
    const servfail = await connectThrough(proxyPort, `mirror.example:${echoPort}`);
    expect(servfail.status).toBe(502);
    await servfail.client.closed;
    expect(servfail.rest().toString()).toContain('DNS lookup of mirror.example failed: ESERVFAIL');

    resolver.policy.setFaults([{ kind: 'dns-drop', match: 'mirror.example' }], createRandom(1));
    const dropped = await connectThrough(proxyPort, `mirror.example:${echoPort}`);
    expect(dropped.status).toBe(502);
    await dropped.client.closed;
    expect(dropped.rest().toString()).toContain('DNS lookup of mirror.example failed: ETIMEOUT');
    expect(proxy.log.at(-1)).toMatchObject({ target: 'mirror.example', status: 502, reason: 'DNS lookup of mirror.example failed: ETIMEOUT' });
    expect(proxy.log.at(-1)?.resolved).toBeUndefined();
  });

  it('answers 504 when the upstream connect times out', async () => {
    // A listener that never accepts: once its queue is full the kernel drops further SYNs.
    const stuck = spawn('python3', ['-c', "import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)"], { stdio: ['ignore', 'pipe', 'inherit'] });
    const fillers: net.Socket[] = [];
    const { value: impatient, port } = await onRandomPort(
      (p) => new ConnectProxy({ address: '127.0.0.1', port: p, resolver: { address: '127.0.0.1', port: resolverPort }, connectTimeoutMs: 300 }),
    );
    try {
      const stuckPort = await new Promise<number>((resolve, reject) => {
        stuck.once('error', reject);
        stuck.once('exit', (code) => reject(new Error(`python3 exited with ${code}`)));
        stuck.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
      });
      for (let i = 0; i < 3; i++) {
        const filler = net.connect({ host: '127.0.0.1', port: stuckPort });
        filler.on('error', () => {});
        fillers.push(filler);
      }
      await new Promise((r) => setTimeout(r, 100));
      const timedOut = await connectThrough(port, `127.0.0.1:${stuckPort}`);
      expect(timedOut.status).toBe(504);
      expect(timedOut.elapsedMs).toBeGreaterThanOrEqual(300);
      await timedOut.client.closed;
      expect(timedOut.rest().toString()).toContain(`connect to 127.0.0.1:${stuckPort} timed out after 300 ms`);
      expect(impatient.log.at(-1)).toMatchObject({ status: 504, resolved: '127.0.0.1' });
    } finally {
      for (const filler of fillers) filler.destroy();
      stuck.kill();
      await impatient.stop();
    }
  });

  it('answers 400 to a malformed request and 405 to other methods', async () => {
    const malformed = new ProxyClient(proxyPort);
    malformed.socket.write('CONNECT mirror.example HTTP/1.1\r\n\r\n');
    expect((await malformed.answer()).status).toBe(400);
    await malformed.closed;

    const get = new ProxyClient(proxyPort);
    get.socket.write('GET http://mirror.example/ HTTP/1.1\r\nHost: mirror.example\r\n\r\n');
    const answer = await get.answer();
    expect(answer.status).toBe(405);
    expect(answer.head).toContain('\r\nAllow: CONNECT\r\n');
    await get.closed;

    const huge = new ProxyClient(proxyPort);
    huge.socket.write(`CONNECT mirror.example:${echoPort} HTTP/1.1\r\nX-Filler: ${'a'.repeat(17_000)}`);
    expect((await huge.answer()).status).toBe(400);
    huge.close();
    expect(proxy.log.at(-1)).toMatchObject({ status: 400, reason: 'request head too large' });
  });

  it('applies a timed fault only inside its window on the trial clock', async () => {
    proxy.setFaults([{ kind: 'proxy-deny', match: 'mirror.example', from: 200 }]);
    clock.start();
    const early = await connectThrough(proxyPort, `mirror.example:${echoPort}`);
    expect(early.status).toBe(200);
    early.client.close();
    await waitFor('the window to open', () => clock.elapsedMs() > 220, 5_000);
    expect((await connectThrough(proxyPort, `mirror.example:${echoPort}`)).status).toBe(403);
    // Between trials no fault is active.
    clock.stop();
    const between = await connectThrough(proxyPort, `mirror.example:${echoPort}`);
    expect(between.status).toBe(200);
    between.client.close();
  });

  it('connects upstream from sourceAddress', async () => {
    const { value: sourced, port } = await onRandomPort(
      (p) => new ConnectProxy({ address: '127.0.0.1', port: p, resolver: { address: '127.0.0.1', port: resolverPort }, sourceAddress: '127.0.0.2' }),
    );
    try {
      const { client, status } = await connectThrough(port, `mirror.example:${echoPort}`);
      expect(status).toBe(200);
      client.socket.write('x');
      await waitFor('the echo', () => client.received.length > 0, 5_000);
      expect(echoPeers.at(-1)).toBe('127.0.0.2');
      client.close();
    } finally {
      await sourced.stop();
    }
  });

  it('stops promptly with tunnels and waits in flight', async () => {
    const { value: doomed, port } = await onRandomPort((p) => new ConnectProxy({ address: '127.0.0.1', port: p, resolver: { address: '127.0.0.1', port: resolverPort } }));
    doomed.setFaults([{ kind: 'proxy-latency', delay: 60_000, match: 'other.example' }]);
    const open = await connectThrough(port, `mirror.example:${echoPort}`);
    const waiting = new ProxyClient(port);
    waiting.socket.write(`CONNECT other.example:${echoPort} HTTP/1.1\r\n\r\n`);
    await waitFor('the waiting request', () => doomed.log.length === 2 && doomed.log[1]!.target === 'other.example', 5_000);
    const stoppedAt = performance.now();
    await doomed.stop();
    // at once, not after the minute of latency (slack for a busy machine)
    expect(performance.now() - stoppedAt).toBeLessThan(3_000);
    await Promise.all([open.client.closed, waiting.closed]);
    expect(doomed.log[1]).toMatchObject({ status: 0, fault: 'proxy-latency' });
  });
});

describe('proxy fault schemas and target parsing', () => {
  const fault = z.discriminatedUnion('kind', proxyFaultSchemas);

  it('accepts the documented faults and rejects unknown fields', () => {
    expect(fault.parse({ kind: 'proxy-deny', match: '*.golang.org', from: '2s' })).toEqual({ kind: 'proxy-deny', match: '*.golang.org', from: 2_000 });
    expect(fault.safeParse({ kind: 'proxy-auth-required', username: 'u', password: 'p' }).success).toBe(true);
    expect(fault.safeParse({ kind: 'proxy-latency', delay: '250ms' }).success).toBe(true);
    expect(fault.safeParse({ kind: 'proxy-latency', delay: 'soon' }).success).toBe(false);
    expect(fault.safeParse({ kind: 'proxy-deny' }).success).toBe(false);
    expect(fault.safeParse({ kind: 'proxy-deny', match: 'x', extra: 1 }).success).toBe(false);
  });

  it('parses CONNECT targets, including IPv6 literals', () => {
    expect(parseConnectTarget('[::1]:443')).toEqual({ host: '::1', port: 443 });
    expect(parseConnectTarget('A.Example.:443')).toEqual({ host: 'a.example', port: 443 });
    expect(parseConnectTarget('a.example:0')).toBeUndefined();
    expect(parseConnectTarget('a.example')).toBeUndefined();
    expect(parseConnectTarget('[not-v6]:443')).toBeUndefined();
    expect(parseConnectTarget('a..example:443')).toBeUndefined();
  });
});

describe('a real Go client through HTTPS_PROXY', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-proxy-'));
  const binary = join(dir, 'get');
  let tlsPort: number;
  const site = https.createServer((_req, res) => res.end('ok'));

  const run = (proxyUrl: string, url: string) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const name of ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy']) delete env[name];
      env['HTTPS_PROXY'] = proxyUrl;
      execFile(binary, [url], { env, timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout: stdout.trim(), stderr }));
    });

  beforeAll(async () => {
    const ca = await createCertificateAuthority();
    const { certPem, keyPem } = await ca.issue(['mirror.example']);
    site.setSecureContext({ cert: certPem, key: keyPem });
    tlsPort = await listenRandom(site);
    writeFileSync(join(dir, 'go.mod'), 'module p\n\ngo 1.22\n');
    writeFileSync(
      join(dir, 'main.go'),
      `package main

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"time"
)

func main() {
	client := &http.Client{
		Timeout: 20 * time.Second,
		Transport: &http.Transport{
			Proxy:           http.ProxyFromEnvironment,
			TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
		},
	}
	resp, err := client.Get(os.Args[1])
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
}
`,
    );
    await new Promise<void>((resolve, reject) =>
      execFile(
        'go',
        ['build', '-o', binary, '.'],
        { cwd: dir, env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', GOPROXY: 'off', CGO_ENABLED: '0' }, timeout: 110_000 },
        (err, _stdout, stderr) => (err ? reject(new Error(`go build failed: ${stderr}`)) : resolve()),
      ),
    );
  });

  afterAll(async () => {
    site.closeAllConnections();
    await new Promise<void>((resolve) => site.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  const url = () => `https://mirror.example:${tlsPort}/`;

  it('gets 200 through the proxy, which resolved the name', async () => {
    const before = proxy.log.length;
    const result = await run(`http://127.0.0.1:${proxyPort}`, url());
    expect(result).toMatchObject({ code: 0, stdout: '200' });
    expect(proxy.log.slice(before)).toContainEqual(expect.objectContaining({ target: 'mirror.example', port: tlsPort, status: 200, resolved: '127.0.0.1' }));
  });

  it('reports the 403 of a deny-list as "Forbidden"', async () => {
    proxy.setFaults([{ kind: 'proxy-deny', match: 'mirror.example' }]);
    const result = await run(`http://127.0.0.1:${proxyPort}`, url());
    console.log('go error for 403:', result.stdout);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`Get "${url()}": Forbidden`);
  });

  it('reports a 407 as "Proxy Authentication Required", and passes with credentials in the proxy URL', async () => {
    proxy.setFaults([{ kind: 'proxy-auth-required', username: 'alice', password: 's3cret' }]);
    const result = await run(`http://127.0.0.1:${proxyPort}`, url());
    console.log('go error for 407:', result.stdout);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`Get "${url()}": Proxy Authentication Required`);
    expect(await run(`http://alice:s3cret@127.0.0.1:${proxyPort}`, url())).toMatchObject({ code: 0, stdout: '200' });
  });

  it('reports a 502 for a name the proxy cannot resolve as "Bad Gateway"', async () => {
    const result = await run(`http://127.0.0.1:${proxyPort}`, `https://nowhere.example:${tlsPort}/`);
    console.log('go error for 502:', result.stdout);
    expect(result.stdout).toBe(`Get "https://nowhere.example:${tlsPort}/": Bad Gateway`);
  });
});
