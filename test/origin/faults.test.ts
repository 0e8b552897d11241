import http2 from 'node:http2';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TrialClock } from '../../src/faults/window.ts';
import { emptySite, type Site } from '../../src/origin/goproxy-site.ts';
import { OriginFaultPolicy, originFaultSchemas, pathMatches, type OriginFault } from '../../src/origin/faults.ts';
import { Origin } from '../../src/origin/server.ts';
import { createRandom } from '../../src/random.ts';
import { createCertificateAuthority, type CertificateAuthority } from '../../src/tls/ca.ts';

const HOST = 'proxy.golang.org';
const BODY = Buffer.from(Array.from({ length: 200_000 }, (_, i) => i % 251));
const ZIP_PATH = '/golang.org/x/!text/@v/v0.3.0.zip';
const bodySite: Site = (path) => (path.endsWith('.zip') ? { status: 200, contentType: 'application/zip', body: BODY } : { status: 200, contentType: 'text/plain; charset=utf-8', body: Buffer.from(`ok ${path}\n`) });

let port: number;
let origin: Origin;
let ca: CertificateAuthority;
const clock = new TrialClock();
const dispatchers: Agent[] = [];
const h2Sessions: http2.ClientHttp2Session[] = [];

async function startOrigin(): Promise<Origin> {
  for (let attempt = 0; ; attempt++) {
    port = 30_000 + Math.floor(Math.random() * 10_000);
    const candidate = new Origin({
      address: '127.0.0.1',
      port,
      clock,
      hosts: [
        { name: HOST, certificate: await ca.issue([HOST]), site: bodySite },
        { name: 'sum.golang.org', certificate: await ca.issue(['sum.golang.org']), site: emptySite },
      ],
    });
    try {
      await candidate.start();
      return candidate;
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
}

beforeAll(async () => {
  ca = await createCertificateAuthority();
  origin = await startOrigin();
});
afterAll(async () => {
  await origin.stop();
});
beforeEach(() => clock.start());
afterEach(async () => {
  origin.faults.clear();
  clock.stop();
  await Promise.all(dispatchers.splice(0).map((d) => d.destroy()));
  for (const session of h2Sessions.splice(0)) session.destroy();
});

function setFaults(faults: OriginFault[], seed = 1): void {
  for (const fault of faults) expect(originFaultSchemas.some((s) => s.safeParse(fault).success), JSON.stringify(fault)).toBe(true);
  origin.faults.setFaults(faults, createRandom(seed));
}

function agent(allowH2: boolean, connections?: number): Agent {
  const dispatcher = new Agent({ allowH2, connections, connect: { ca: ca.certPem, servername: HOST } });
  dispatchers.push(dispatcher);
  return dispatcher;
}

async function get(dispatcher: Agent, path: string, host = HOST): Promise<{ status: number; body: Buffer; ms: number }> {
  const startedAt = performance.now();
  const res = await request(new URL(path, `https://127.0.0.1:${port}`), { dispatcher, headers: { host } });
  const body = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, body, ms: performance.now() - startedAt };
}

function connectH2(host = HOST): http2.ClientHttp2Session {
  const session = http2.connect(`https://127.0.0.1:${port}`, { ca: ca.certPem, servername: host });
  session.on('error', () => {});
  h2Sessions.push(session);
  return session;
}

interface H2Result {
  status: number | undefined;
  bytes: number;
  ended: boolean;
  error: (Error & { code?: string }) | undefined;
  rstCode: number | undefined;
}

/** One h2 request, observed for at most `waitMs`: what arrived, and how the stream ended (if it did). */
function h2Get(session: http2.ClientHttp2Session, path: string, waitMs: number, host = HOST): Promise<H2Result> {
  return new Promise((resolve) => {
    const stream = session.request({ ':path': path, ':authority': host });
    const result: H2Result = { status: undefined, bytes: 0, ended: false, error: undefined, rstCode: undefined };
    const timer = setTimeout(() => {
      stream.close(http2.constants.NGHTTP2_CANCEL);
      resolve(result);
    }, waitMs);
    stream.on('response', (headers) => (result.status = headers[':status']));
    stream.on('data', (chunk: Buffer) => (result.bytes += chunk.length));
    stream.on('end', () => (result.ended = true));
    stream.on('error', (err) => (result.error = err));
    stream.on('close', () => {
      clearTimeout(timer);
      result.rstCode = stream.rstCode;
      resolve(result);
    });
    stream.end();
  });
}

/** Reads a body until nothing arrives for `quietMs` (then aborts): the bytes received. */
async function bytesUntilQuiet(dispatcher: Agent, path: string, quietMs: number): Promise<{ status: number; bytes: number }> {
  const controller = new AbortController();
  const res = await request(new URL(path, `https://127.0.0.1:${port}`), { dispatcher, headers: { host: HOST }, signal: controller.signal });
  let bytes = 0;
  let quiet = setTimeout(() => controller.abort(), quietMs);
  try {
    for await (const chunk of res.body) {
      bytes += (chunk as Buffer).length;
      clearTimeout(quiet);
      quiet = setTimeout(() => controller.abort(), quietMs);
    }
  } catch (err) {
    if (!controller.signal.aborted) throw err;
  } finally {
    clearTimeout(quiet);
  }
  expect(controller.signal.aborted, 'the body ended instead of stalling').toBe(true);
  return { status: res.statusCode, bytes };
}

describe('origin fault schemas', () => {
  const parses = (value: unknown) => originFaultSchemas.some((schema) => schema.safeParse(value).success);

  it('accepts every kind with its fields', () => {
    const valid: unknown[] = [
      { kind: 'http-status', match: '*.golang.org', path: '*.zip', status: 404, delay: '60s', probability: 0.5, from: '1s', until: '2s' },
      { kind: 'http-slow-first-byte', match: HOST, delay: 250 },
      { kind: 'http-stall', match: '*', afterBytes: 0 },
      { kind: 'h2-goaway', match: HOST, afterStreams: 1, code: 'ENHANCE_YOUR_CALM' },
      { kind: 'h2-rst-stream', match: HOST, path: '/golang.org/x/!text/@v/*', afterBytes: 1024, code: 'REFUSED_STREAM', probability: 1 },
      { kind: 'h2-stall', match: HOST },
    ];
    for (const value of valid) expect(parses(value), JSON.stringify(value)).toBe(true);
  });

  it('rejects unknown fields, bad enum values and bad numbers', () => {
    const invalid: unknown[] = [
      { kind: 'http-status', match: HOST, status: 404, retryAfter: 5 },
      { kind: 'http-status', match: HOST, status: 418 },
      { kind: 'http-status', match: HOST, status: 404, probability: 1.5 },
      { kind: 'h2-rst-stream', match: HOST, afterBytes: 0, code: 'STREAM_CLOSED' },
      { kind: 'h2-rst-stream', match: HOST, afterBytes: -1 },
      { kind: 'h2-goaway', match: HOST, afterStreams: 0 },
      { kind: 'h2-goaway', match: HOST, afterStreams: 2, code: 'CANCEL' },
      { kind: 'http-stall', match: HOST, afterBytes: 1.5 },
      { kind: 'http-slow-first-byte', match: HOST },
      { kind: 'http-slow-first-byte', match: HOST, delay: '5 minutes' },
      { kind: 'h2-stall', match: 'https://proxy.golang.org/' },
      { kind: 'h2-stall', match: HOST, path: 'golang.org/x/*' },
      { kind: 'h2-stall', match: HOST, path: '/with space' },
      { kind: 'http-teapot', match: HOST },
    ];
    for (const value of invalid) expect(parses(value), JSON.stringify(value)).toBe(false);
  });

  it('matches path globs with "*" across "/", "@" and "!"', () => {
    expect(pathMatches('*', '/anything/@v/list')).toBe(true);
    expect(pathMatches('*.zip', ZIP_PATH)).toBe(true);
    expect(pathMatches('*.zip', '/golang.org/x/!text/@v/list')).toBe(false);
    expect(pathMatches('/golang.org/x/!text/@v/*', ZIP_PATH)).toBe(true);
    expect(pathMatches('/golang.org/x/!text/@v/*', '/golang.org/x/text/@v/list')).toBe(false);
    expect(pathMatches('*/@v/list', '/example.com/a+b/@v/list')).toBe(true);
    expect(pathMatches('/sumdb/sum.golang.org/supported', '/sumdb/sum.golang.org/supported')).toBe(true);
    expect(pathMatches('/sumdb/sum.golang.org/supported', '/sumdb/sumXgolang.org/supported')).toBe(false);
    expect(pathMatches('/a%21b', '/a%21b')).toBe(true);
  });
});

describe('origin fault policy', () => {
  const request = { host: HOST, path: ZIP_PATH, protocol: 'h2' as const, elapsedMs: 0 };

  it('applies the first matching active fault of each effect, HTTP/2-only kinds to h2 only', () => {
    const policy = new OriginFaultPolicy();
    policy.setFaults(
      [
        { kind: 'http-status', match: 'sum.golang.org', status: 410 },
        { kind: 'http-status', match: HOST, path: '*.mod', status: 403 },
        { kind: 'http-status', match: '*', status: 503, delay: 2_000 },
        { kind: 'http-status', match: '*', status: 404 },
        { kind: 'http-slow-first-byte', match: HOST, delay: 100 },
        { kind: 'h2-rst-stream', match: HOST, afterBytes: 10, code: 'CANCEL' },
        { kind: 'http-stall', match: HOST, afterBytes: 5 },
      ],
      createRandom(1),
    );
    const h2 = policy.decide(request);
    expect(h2).toMatchObject({
      kinds: ['http-status', 'http-slow-first-byte', 'h2-rst-stream'],
      status: { status: 503, delayMs: 2000 },
      firstByteDelayMs: 100,
      cut: { action: 'rst', afterBytes: 10, code: http2.constants.NGHTTP2_CANCEL },
      noResponse: false,
    });
    expect(policy.decide({ ...request, protocol: 'h1' })).toMatchObject({ kinds: ['http-status', 'http-slow-first-byte', 'http-stall'], cut: { action: 'stall', afterBytes: 5 } });
    policy.clear();
    expect(policy.decide(request)).toEqual({ kinds: [], firstByteDelayMs: 0, noResponse: false });
  });

  it('applies nothing between trials (elapsed -1) or outside the window', () => {
    const policy = new OriginFaultPolicy();
    policy.setFaults([{ kind: 'h2-stall', match: '*', from: 1_000, until: 2_000 }], createRandom(1));
    expect(policy.decide({ ...request, elapsedMs: -1 }).noResponse).toBe(false);
    expect(policy.decide({ ...request, elapsedMs: 999 }).noResponse).toBe(false);
    expect(policy.decide({ ...request, elapsedMs: 1000 }).noResponse).toBe(true);
    expect(policy.decide({ ...request, elapsedMs: 2000 }).noResponse).toBe(false);
  });

  it('counts h2-goaway streams per session and fires once, on the Nth', () => {
    const policy = new OriginFaultPolicy();
    policy.setFaults([{ kind: 'h2-goaway', match: HOST, afterStreams: 2, code: 'ENHANCE_YOUR_CALM' }], createRandom(1));
    const [a, b] = [{}, {}];
    const goaways = (session: object) => policy.decide({ ...request, session }).goaway;
    expect([goaways(a), goaways(b), goaways(a), goaways(a), goaways(b)]).toEqual([
      undefined,
      undefined,
      { code: http2.constants.NGHTTP2_ENHANCE_YOUR_CALM },
      undefined,
      { code: http2.constants.NGHTTP2_ENHANCE_YOUR_CALM },
    ]);
    expect(policy.decide({ ...request, protocol: 'h1' }).goaway).toBeUndefined();
  });
});

describe('origin HTTP faults over real TLS sockets', () => {
  it('http-status answers 404 and 503 with a proxy-like body and logs the fault', async () => {
    setFaults([
      { kind: 'http-status', match: HOST, path: '*.zip', status: 404 },
      { kind: 'http-status', match: HOST, path: '*/@v/list', status: 503 },
    ]);
    const before = origin.requests.length;
    const dispatcher = agent(true);
    const zip = await get(dispatcher, ZIP_PATH);
    expect(zip.status).toBe(404);
    expect(zip.body.toString()).toBe('not found: golang.org/x/!text/@v/v0.3.0.zip\n');
    const list = await get(dispatcher, '/golang.org/x/!text/@v/list');
    expect(list.status).toBe(503);
    expect(list.body.toString()).toBe('service unavailable\n');
    const info = await get(dispatcher, '/golang.org/x/!text/@v/v0.3.0.info');
    expect(info.status).toBe(200);
    expect(origin.requests.slice(before)).toEqual([
      expect.objectContaining({ path: ZIP_PATH, status: 404, protocol: 'h2', fault: 'http-status', bytes: zip.body.length }),
      expect.objectContaining({ status: 503, fault: 'http-status', bytes: list.body.length }),
      expect.objectContaining({ status: 200, bytes: info.body.length }),
    ]);
    expect(origin.requests.at(-1)).not.toHaveProperty('fault');
  });

  it('http-status with a delay answers only after it (both protocols)', async () => {
    setFaults([{ kind: 'http-status', match: HOST, status: 404, delay: 400 }]);
    for (const allowH2 of [false, true]) {
      const res = await get(agent(allowH2), ZIP_PATH);
      expect(res.status).toBe(404);
      expect(res.ms).toBeGreaterThanOrEqual(395);
      expect(res.ms).toBeLessThan(3_000);
      expect(origin.requests.at(-1)!.ttfbMs).toBeGreaterThanOrEqual(399);
    }
  });

  it('http-status with a probability hits about that share of requests, replayably', async () => {
    const shares: number[] = [];
    for (const _ of [1, 2]) {
      setFaults([{ kind: 'http-status', match: HOST, status: 503, probability: 0.3 }], 42);
      const dispatcher = agent(true);
      const statuses: number[] = [];
      for (let i = 0; i < 200; i++) statuses.push((await get(dispatcher, `/m${i}/@v/list`)).status);
      expect(new Set(statuses)).toEqual(new Set([200, 503]));
      shares.push(statuses.filter((s) => s === 503).length / statuses.length);
    }
    expect(shares[0]).toBeGreaterThan(0.2);
    expect(shares[0]).toBeLessThan(0.4);
    expect(shares[1]).toBe(shares[0]);
  });

  it('http-slow-first-byte holds the response headers back for the delay', async () => {
    setFaults([{ kind: 'http-slow-first-byte', match: HOST, path: '*.info', delay: 300 }]);
    for (const allowH2 of [false, true]) {
      const dispatcher = agent(allowH2);
      const startedAt = performance.now();
      const res = await request(new URL('/a/@v/v1.0.0.info', `https://127.0.0.1:${port}`), { dispatcher, headers: { host: HOST } });
      const headersMs = performance.now() - startedAt;
      await res.body.dump();
      expect(res.statusCode).toBe(200);
      expect(headersMs).toBeGreaterThanOrEqual(295);
      expect(headersMs).toBeLessThan(3_000);
      expect(origin.requests.at(-1)).toMatchObject({ status: 200, fault: 'http-slow-first-byte' });
      expect((await get(dispatcher, '/a/@v/v1.0.0.mod')).ms).toBeLessThan(250);
    }
  });

  it('http-stall sends the headers and exactly afterBytes, then nothing (both protocols)', async () => {
    setFaults([{ kind: 'http-stall', match: HOST, path: '*.zip', afterBytes: 1000 }]);
    for (const allowH2 of [false, true]) {
      const dispatcher = agent(allowH2);
      const before = origin.requests.length;
      expect(await bytesUntilQuiet(dispatcher, ZIP_PATH, 500)).toEqual({ status: 200, bytes: 1000 });
      expect(origin.requests.slice(before)).toEqual([expect.objectContaining({ status: 200, bytes: 1000, fault: 'http-stall', protocol: allowH2 ? 'h2' : 'h1' })]);
    }
  });

  it('http-stall on h2 stalls only that stream, and afterBytes 0 sends headers only', async () => {
    setFaults([{ kind: 'http-stall', match: HOST, path: '*.zip', afterBytes: 0 }]);
    const session = connectH2();
    const stalled = h2Get(session, ZIP_PATH, 800);
    await sleep(100);
    const other = await h2Get(session, '/a/@v/list', 2_000);
    expect(other).toMatchObject({ status: 200, ended: true, bytes: '/a/@v/list'.length + 4 });
    expect(await stalled).toMatchObject({ status: 200, bytes: 0, ended: false });
  });

  it('h2-goaway: after N streams the session goes away and the next request needs a new connection', async () => {
    setFaults([{ kind: 'h2-goaway', match: HOST, afterStreams: 3 }]);
    const session = connectH2();
    const goaways: Array<{ code: number; lastStreamID: number }> = [];
    session.on('goaway', (code, lastStreamID) => goaways.push({ code, lastStreamID }));
    const closed = new Promise((resolve) => session.once('close', resolve));
    for (let i = 0; i < 3; i++) expect(await h2Get(session, `/a${i}/@v/list`, 2_000)).toMatchObject({ status: 200, ended: true });
    await closed;
    expect(goaways[0]).toEqual({ code: http2.constants.NGHTTP2_NO_ERROR, lastStreamID: 5 });
    expect(origin.requests.at(-1)).toMatchObject({ status: 200, fault: 'h2-goaway' });

    // undici: 4 requests, the 4th on a second connection
    setFaults([{ kind: 'h2-goaway', match: HOST, afterStreams: 3 }]);
    const handshakes = origin.handshakes.length;
    const dispatcher = agent(true);
    for (let i = 0; i < 4; i++) expect((await get(dispatcher, `/b${i}/@v/list`)).status).toBe(200);
    const connections = origin.requests.slice(-4).map((r) => r.connectionId);
    expect(connections[0]).toBe(connections[2]);
    expect(connections[3]).not.toBe(connections[2]);
    expect(origin.handshakes.length - handshakes).toBe(2);

    // http/1.1 is unaffected: one keep-alive connection for all
    const h1Handshakes = origin.handshakes.length;
    const h1 = agent(false, 1);
    for (let i = 0; i < 5; i++) expect((await get(h1, `/c${i}/@v/list`)).status).toBe(200);
    expect(origin.handshakes.length - h1Handshakes).toBe(1);
    expect(origin.requests.slice(-5).filter((r) => r.fault)).toEqual([]);
  });

  it('h2-goaway sends its error code (node:http2 clients then drop the session; Go finishes the named streams)', async () => {
    setFaults([{ kind: 'h2-goaway', match: HOST, afterStreams: 2, code: 'ENHANCE_YOUR_CALM' }]);
    const session = connectH2();
    const goaway = new Promise<[number, number]>((resolve) => session.once('goaway', (code, lastStreamID) => resolve([code, lastStreamID])));
    expect(await h2Get(session, '/a/@v/list', 2_000)).toMatchObject({ status: 200, ended: true });
    const second = h2Get(session, '/b/@v/list', 2_000);
    expect(await goaway).toEqual([http2.constants.NGHTTP2_ENHANCE_YOUR_CALM, 3]);
    expect((await second).error?.message).toContain('error code 11');
    expect(origin.requests.at(-1)).toMatchObject({ path: '/b/@v/list', fault: 'h2-goaway' });
  });

  it('h2-goaway refuses streams the client opened after the last one named', async () => {
    setFaults([{ kind: 'h2-goaway', match: HOST, afterStreams: 1 }]);
    const session = connectH2();
    // both HEADERS leave before the GOAWAY can arrive
    const [first, second] = await Promise.all([h2Get(session, '/x/@v/list', 2_000), h2Get(session, '/y/@v/list', 2_000)]);
    expect(first).toMatchObject({ status: 200, ended: true });
    expect(second).toMatchObject({ status: undefined, bytes: 0, rstCode: http2.constants.NGHTTP2_REFUSED_STREAM });
    expect(origin.requests.filter((r) => r.path === '/y/@v/list')).toEqual([]);
  });

  it('h2-rst-stream resets the h2 stream with INTERNAL_ERROR after afterBytes (beyond the first flow-control window); http/1.1 is served', async () => {
    setFaults([{ kind: 'h2-rst-stream', match: HOST, path: '*.zip', afterBytes: 100_000 }]);
    const session = connectH2();
    const before = origin.requests.length;
    const reset = await h2Get(session, ZIP_PATH, 5_000);
    expect(reset).toMatchObject({ status: 200, bytes: 100_000, ended: false, rstCode: http2.constants.NGHTTP2_INTERNAL_ERROR });
    expect(reset.error?.code).toBe('ERR_HTTP2_STREAM_ERROR');
    expect(reset.error?.message).toContain('NGHTTP2_INTERNAL_ERROR');
    // the session survives: other streams are served
    expect(await h2Get(session, '/a/@v/list', 2_000)).toMatchObject({ status: 200, ended: true });

    const h1 = await get(agent(false), ZIP_PATH);
    expect(h1.status).toBe(200);
    expect(h1.body.equals(BODY)).toBe(true);
    expect(origin.requests.slice(before)).toEqual([
      expect.objectContaining({ protocol: 'h2', status: 200, bytes: 100_000, fault: 'h2-rst-stream' }),
      expect.objectContaining({ protocol: 'h2', status: 200 }),
      expect.objectContaining({ protocol: 'h1', status: 200, bytes: BODY.length }),
    ]);
    expect(origin.requests.at(-1)).not.toHaveProperty('fault');
  });

  it('h2-rst-stream with afterBytes 0 and another code resets right after the headers', async () => {
    setFaults([{ kind: 'h2-rst-stream', match: HOST, afterBytes: 0, code: 'PROTOCOL_ERROR' }]);
    const reset = await h2Get(connectH2(), ZIP_PATH, 5_000);
    expect(reset).toMatchObject({ status: 200, bytes: 0, ended: false, rstCode: http2.constants.NGHTTP2_PROTOCOL_ERROR });
    expect(reset.error?.code).toBe('ERR_HTTP2_STREAM_ERROR');
  });

  it('h2-stall: h2 requests get no headers at all, http/1.1 gets 200', async () => {
    setFaults([{ kind: 'h2-stall', match: HOST }]);
    const before = origin.requests.length;
    const stalled = await h2Get(connectH2(), '/a/@v/list', 500);
    expect(stalled).toMatchObject({ status: undefined, bytes: 0 });
    expect((await get(agent(false), '/a/@v/list')).status).toBe(200);
    expect(origin.requests.slice(before)).toEqual([
      expect.objectContaining({ protocol: 'h2', status: 0, bytes: 0, ttfbMs: -1, fault: 'h2-stall' }),
      expect.objectContaining({ protocol: 'h1', status: 200 }),
    ]);
  });

  it('follows the trial timeline: a fault from 200ms applies only from then on', async () => {
    setFaults([{ kind: 'http-status', match: HOST, status: 503, from: 200 }]);
    clock.start();
    const dispatcher = agent(true);
    expect((await get(dispatcher, '/a/@v/list')).status).toBe(200);
    await sleep(Math.max(0, 210 - clock.elapsedMs()));
    expect((await get(dispatcher, '/a/@v/list')).status).toBe(503);
    clock.stop();
    expect((await get(dispatcher, '/a/@v/list')).status).toBe(200);
  });
});

describe('origin stop with faults in flight', () => {
  it('stops promptly with stalled streams, stalled sockets and pending delays, leaving no timers', async () => {
    const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const timersBefore = timeouts();
    const mainPort = port;
    const own = await startOrigin();
    try {
      own.faults.setFaults(
        [
          { kind: 'h2-stall', match: HOST, path: '/h2-stall' },
          { kind: 'http-stall', match: HOST, path: '/stall', afterBytes: 0 },
          { kind: 'http-status', match: HOST, path: '/slow', status: 404, delay: 60_000 },
        ],
        createRandom(1),
      );
      const session = connectH2();
      const h1 = new Agent({ allowH2: false, connect: { ca: ca.certPem, servername: HOST } });
      const pending = [
        h2Get(session, '/h2-stall', 10_000),
        h2Get(session, '/stall', 10_000),
        h2Get(session, '/slow', 10_000),
        request(new URL('/stall', `https://127.0.0.1:${port}`), { dispatcher: h1, headers: { host: HOST } }).then((r) => r.body.text()),
        request(new URL('/slow', `https://127.0.0.1:${port}`), { dispatcher: h1, headers: { host: HOST } }).then((r) => r.body.text()),
      ];
      while (own.requests.length < 5) await sleep(20);
      const startedAt = performance.now();
      await own.stop();
      // at once, not after the 10 s of the slowest request (slack for a busy machine)
      expect(performance.now() - startedAt).toBeLessThan(3_000);
      await Promise.allSettled(pending);
      await h1.destroy();
      expect(timeouts()).toBeLessThanOrEqual(timersBefore);
    } finally {
      await own.stop();
      port = mainPort;
    }
  });
});
