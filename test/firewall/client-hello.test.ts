import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_CLIENT_HELLO_BYTES, parseClientHello, type ClientHelloResult } from '../../src/firewall/client-hello.ts';

const execFileAsync = promisify(execFile);

// ---------------------------------------------------------------------------------------------
// Capture server: accumulates bytes until parseClientHello says ok, then hangs up.

type Capture = { bytes: Buffer; segments: number };

async function captureClientHello(startClient: (port: number) => Promise<unknown> | void): Promise<Capture> {
  const sockets = new Set<net.Socket>();
  let settle!: { resolve: (capture: Capture) => void; reject: (error: Error) => void };
  const captured = new Promise<Capture>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let bytes = Buffer.alloc(0);
    let segments = 0;
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk]);
      segments += 1;
      const result = parseClientHello(bytes);
      if (result.state === 'ok') settle.resolve({ bytes, segments });
      if (result.state === 'invalid') settle.reject(new Error(`capture server: ${result.reason}`));
      if (result.state !== 'need-more') socket.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('capture server has no TCP address');
  const timeout = setTimeout(() => settle.reject(new Error('no complete ClientHello within 30 s')), 30_000);
  try {
    const [capture] = await Promise.all([captured, startClient(address.port)]);
    return capture;
  } finally {
    clearTimeout(timeout);
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function captureNodeHello(): Promise<Capture> {
  let client: tls.TLSSocket | undefined;
  try {
    return await captureClientHello((port) => {
      client = tls.connect({
        host: '127.0.0.1',
        port,
        servername: 'proxy.golang.org',
        ALPNProtocols: ['h2', 'http/1.1'],
        rejectUnauthorized: false,
      });
      client.on('error', () => {}); // the server hangs up mid-handshake by design
    });
  } finally {
    client?.destroy();
  }
}

function expectOk(result: ClientHelloResult): Extract<ClientHelloResult, { state: 'ok' }> {
  if (result.state !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result;
}

function expectInvalid(result: ClientHelloResult, reason: RegExp): void {
  expect(result.state).toBe('invalid');
  if (result.state === 'invalid') expect(result.reason).toMatch(reason);
}

// ---------------------------------------------------------------------------------------------
// Synthetic hello builder.

const u8 = (value: number): Buffer => Buffer.from([value & 0xff]);
const u16 = (value: number): Buffer => Buffer.from([(value >> 8) & 0xff, value & 0xff]);
const u24 = (value: number): Buffer => Buffer.from([(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff]);

type Extension = { type: number; data: Buffer; declaredBytes?: number };

type HelloSpec = {
  version?: number;
  sessionId?: Buffer;
  cipherSuites?: Buffer;
  compressionMethods?: Buffer;
  /** undefined: no extensions block at all (pre-extension clients). */
  extensions?: Extension[] | undefined;
  /** Override the declared lengths to corrupt them. */
  declared?: { sessionIdBytes?: number; cipherSuitesBytes?: number; extensionsBytes?: number };
};

function helloBody(spec: HelloSpec = {}): Buffer {
  const sessionId = spec.sessionId ?? Buffer.alloc(32, 0xab);
  const cipherSuites = spec.cipherSuites ?? Buffer.from([0x13, 0x01, 0x13, 0x02, 0xc0, 0x2f]);
  const compressionMethods = spec.compressionMethods ?? Buffer.from([0]);
  const parts = [
    u16(spec.version ?? 0x0303),
    Buffer.alloc(32, 0x5a),
    u8(spec.declared?.sessionIdBytes ?? sessionId.length),
    sessionId,
    u16(spec.declared?.cipherSuitesBytes ?? cipherSuites.length),
    cipherSuites,
    u8(compressionMethods.length),
    compressionMethods,
  ];
  if (spec.extensions !== undefined) {
    const extensions = Buffer.concat(
      spec.extensions.map((extension) =>
        Buffer.concat([u16(extension.type), u16(extension.declaredBytes ?? extension.data.length), extension.data]),
      ),
    );
    parts.push(u16(spec.declared?.extensionsBytes ?? extensions.length), extensions);
  }
  return Buffer.concat(parts);
}

function sniExtension(entries: Array<{ type?: number; name: Buffer | string; declaredBytes?: number }>): Extension {
  const list = Buffer.concat(
    entries.map((entry) => {
      const name = typeof entry.name === 'string' ? Buffer.from(entry.name, 'latin1') : entry.name;
      return Buffer.concat([u8(entry.type ?? 0), u16(entry.declaredBytes ?? name.length), name]);
    }),
  );
  return { type: 0, data: Buffer.concat([u16(list.length), list]) };
}

function alpnExtension(protocols: string[]): Extension {
  const list = Buffer.concat(protocols.map((protocol) => Buffer.concat([u8(protocol.length), Buffer.from(protocol, 'latin1')])));
  return { type: 16, data: Buffer.concat([u16(list.length), list]) };
}

function handshakeMessage(body: Buffer, type = 1): Buffer {
  return Buffer.concat([u8(type), u24(body.length), body]);
}

/** Frames a handshake byte stream into handshake records of at most `fragmentBytes` each. */
function records(handshake: Buffer, fragmentBytes = 16_384, recordVersion = 0x0301): Buffer {
  const framed: Buffer[] = [];
  for (let offset = 0; offset < handshake.length; offset += fragmentBytes) {
    const fragment = handshake.subarray(offset, offset + fragmentBytes);
    framed.push(Buffer.concat([u8(22), u16(recordVersion), u16(fragment.length), fragment]));
  }
  return Buffer.concat(framed);
}

function hello(spec: HelloSpec = {}): Buffer {
  return records(handshakeMessage(helloBody(spec)));
}

/** Strips TLS record framing from a captured hello, returning the handshake byte stream. */
function unframe(framed: Buffer): Buffer {
  const bodies: Buffer[] = [];
  for (let offset = 0; offset + 5 <= framed.length; ) {
    const length = framed.readUInt16BE(offset + 3);
    bodies.push(framed.subarray(offset + 5, offset + 5 + length));
    offset += 5 + length;
  }
  return Buffer.concat(bodies);
}

const standardExtensions = (): Extension[] => [sniExtension([{ name: 'example.org' }]), alpnExtension(['h2', 'http/1.1'])];

// ---------------------------------------------------------------------------------------------

let nodeHello: Buffer;

beforeAll(async () => {
  nodeHello = (await captureNodeHello()).bytes;
});

describe('parseClientHello with real clients', () => {
  it('reads SNI and ALPN from a real Node ClientHello', () => {
    const result = expectOk(parseClientHello(nodeHello));
    expect(result.sni).toBe('proxy.golang.org');
    expect(result.alpn).toEqual(['h2', 'http/1.1']);
    expect(result.version).toBe(0x0303);
    expect(result.helloBytes).toBe(nodeHello.length);
  });

  it('reads SNI and ALPN from a real Go ClientHello', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'client-hello-go-'));
    try {
      await writeFile(join(dir, 'go.mod'), 'module hello\n\ngo 1.22\n');
      await writeFile(
        join(dir, 'main.go'),
        [
          // A go 1.22 module defaults to tlsmlkem=0; opt back in so the hello carries Go's ~1.2 KB
          // X25519MLKEM768 key share, as modules declaring go >= 1.24 send by default.
          '//go:debug tlsmlkem=1',
          'package main',
          '',
          'import (',
          '\t"crypto/tls"',
          '\t"fmt"',
          '\t"os"',
          ')',
          '',
          'func main() {',
          '\tconn, err := tls.Dial("tcp", os.Args[1], &tls.Config{ServerName: "sum.golang.org", NextProtos: []string{"h2", "http/1.1"}, InsecureSkipVerify: true})',
          '\tif err != nil {',
          '\t\tfmt.Fprintln(os.Stderr, err)',
          '\t\tos.Exit(1)',
          '\t}',
          '\tconn.Close()',
          '}',
          '',
        ].join('\n'),
      );
      const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', GOPROXY: 'off', CGO_ENABLED: '0' };
      const binary = join(dir, 'hello');
      await execFileAsync('go', ['build', '-o', binary, '.'], { cwd: dir, env, timeout: 50_000 });

      const capture = await captureClientHello((port) =>
        // The capture server hangs up mid-handshake, so the client exits non-zero by design.
        execFileAsync(binary, [`127.0.0.1:${port}`], { timeout: 20_000 }).catch(() => undefined),
      );
      const result = expectOk(parseClientHello(capture.bytes));
      expect(result.sni).toBe('sum.golang.org');
      expect(result.alpn).toEqual(['h2', 'http/1.1']);
      expect(result.helloBytes).toBe(capture.bytes.length);
      expect(result.version).toBe(0x0303);
      expect(capture.bytes.length).toBeGreaterThan(1_024);

      // Loopback usually delivers the hello in one segment, so replay every split point too.
      for (let length = 0; length < capture.bytes.length; length++) {
        const partial = parseClientHello(capture.bytes.subarray(0, length));
        if (partial.state !== 'need-more') throw new Error(`prefix of ${length} bytes gave ${JSON.stringify(partial)}`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('parseClientHello across TCP and TLS fragmentation', () => {
  it('needs more data for every strict prefix and succeeds on the full hello', () => {
    for (let length = 0; length < nodeHello.length; length++) {
      const result = parseClientHello(nodeHello.subarray(0, length));
      if (result.state !== 'need-more') throw new Error(`prefix of ${length} bytes gave ${JSON.stringify(result)}`);
    }
    expect(expectOk(parseClientHello(nodeHello)).sni).toBe('proxy.golang.org');
  });

  it('reassembles a hello split into 50-byte handshake records', () => {
    const reframed = records(unframe(nodeHello), 50, 0x0303);
    expect(reframed.length).toBeGreaterThan(nodeHello.length); // really did add record headers
    const result = expectOk(parseClientHello(reframed));
    expect(result.sni).toBe('proxy.golang.org');
    expect(result.alpn).toEqual(['h2', 'http/1.1']);
    expect(result.helloBytes).toBe(reframed.length);
    for (let length = 0; length < reframed.length; length++) {
      const partial = parseClientHello(reframed.subarray(0, length));
      if (partial.state !== 'need-more') throw new Error(`prefix of ${length} bytes gave ${JSON.stringify(partial)}`);
    }
  });

  it('reassembles a hello split into 1-byte records, so even the handshake header is fragmented', () => {
    const reframed = records(unframe(nodeHello), 1);
    const result = expectOk(parseClientHello(reframed));
    expect(result.sni).toBe('proxy.golang.org');
    expect(result.helloBytes).toBe(reframed.length);
  });

  it('reports helloBytes for the hello records only when later records follow', () => {
    const changeCipherSpec = Buffer.from([20, 0x03, 0x03, 0x00, 0x01, 0x01]);
    const applicationData = Buffer.from([23, 0x03, 0x03, 0x00, 0x02, 0xde, 0xad]);
    const result = expectOk(parseClientHello(Buffer.concat([nodeHello, changeCipherSpec, applicationData])));
    expect(result.helloBytes).toBe(nodeHello.length);
    expect(result.sni).toBe('proxy.golang.org');
  });
});

describe('parseClientHello on synthetic hellos', () => {
  it('parses a minimal well-formed hello', () => {
    const input = hello({ extensions: standardExtensions() });
    expect(parseClientHello(input)).toEqual({
      state: 'ok',
      sni: 'example.org',
      alpn: ['h2', 'http/1.1'],
      helloBytes: input.length,
      version: 0x0303,
    });
  });

  it('returns sni undefined without a server_name extension, and for pre-extension hellos', () => {
    const withoutSni = expectOk(parseClientHello(hello({ extensions: [alpnExtension(['h2'])] })));
    expect(withoutSni.sni).toBeUndefined();
    expect(withoutSni.alpn).toEqual(['h2']);

    const noExtensions = expectOk(parseClientHello(hello({ version: 0x0301, extensions: undefined })));
    expect(noExtensions).toMatchObject({ sni: undefined, alpn: [], version: 0x0301 });
  });

  it('lower-cases the host name and takes the first host_name entry', () => {
    const sni = sniExtension([{ type: 7, name: 'other' }, { name: 'Proxy.GoLang.ORG' }, { name: 'second.example' }]);
    expect(expectOk(parseClientHello(hello({ extensions: [sni] }))).sni).toBe('proxy.golang.org');
  });

  it('rejects bad host names', () => {
    const withName = (name: Buffer | string): ClientHelloResult => parseClientHello(hello({ extensions: [sniExtension([{ name }])] }));
    expectInvalid(withName(Buffer.from('evil\0.example.org', 'latin1')), /host_name has non-printable byte 0x00/);
    expectInvalid(withName(Buffer.from('caf\xc3\xa9.example', 'latin1')), /host_name has non-printable byte 0xc3/);
    expectInvalid(withName(''), /host_name length 0/);
    expectInvalid(withName('a'.repeat(256)), /host_name length 256/);
    expect(expectOk(withName('a'.repeat(255))).sni).toHaveLength(255);
  });

  it('rejects input that is not TLS on its first byte', () => {
    expectInvalid(parseClientHello(Buffer.from('GET / HTTP/1.1\r\n')), /content type 71/);
    expectInvalid(parseClientHello(Buffer.from('G')), /content type 71/);
    expect(parseClientHello(Buffer.alloc(0))).toEqual({ state: 'need-more' });
    expect(parseClientHello(Buffer.from([22, 3]))).toEqual({ state: 'need-more' });
  });

  it('rejects a non-handshake record before the hello is complete', () => {
    expectInvalid(parseClientHello(Buffer.concat([Buffer.from([23, 3, 3, 0, 2, 1, 2]), nodeHello])), /content type 23/);
    const handshake = unframe(nodeHello);
    const firstHalf = records(handshake.subarray(0, 100));
    const alert = Buffer.from([21, 3, 3, 0, 2, 2, 40]);
    expectInvalid(parseClientHello(Buffer.concat([firstHalf, alert, records(handshake.subarray(100))])), /content type 21/);
  });

  it('rejects bad record framing', () => {
    const body = handshakeMessage(helloBody({ extensions: standardExtensions() }));
    expectInvalid(parseClientHello(records(body, 16_384, 0x0300)), /version 0x0300/);
    expectInvalid(parseClientHello(records(body, 16_384, 0x0305)), /version 0x0305/);
    expectInvalid(parseClientHello(Buffer.from([22, 2, 0])), /version major 2/);
    expectInvalid(parseClientHello(Buffer.from([22, 3, 1, 0x48, 0x01])), /length 18433 exceeds 18432/);
    expectInvalid(parseClientHello(Buffer.concat([Buffer.from([22, 3, 1, 0, 0]), records(body)])), /empty/);
  });

  it('rejects handshake messages other than ClientHello and oversized declared lengths', () => {
    expectInvalid(parseClientHello(records(handshakeMessage(helloBody(), 2))), /handshake message type 2/);
    expectInvalid(parseClientHello(records(Buffer.from([1, 0xff, 0xff, 0xff]))), /ClientHello length 16777215 exceeds/);
  });

  it('names the field whose length overruns its container', () => {
    const shortBody = { extensions: undefined, sessionId: Buffer.alloc(0) };
    expectInvalid(parseClientHello(hello({ ...shortBody, declared: { sessionIdBytes: 200 } })), /^session_id length 200 overruns hello \(\d+ bytes left\)$/);
    expectInvalid(parseClientHello(hello({ sessionId: Buffer.alloc(33) })), /^session_id length 33 exceeds 32$/);

    const suitesOverrun = parseClientHello(hello({ ...shortBody, declared: { cipherSuitesBytes: 300 } }));
    // 2 version + 32 random + 1 session id length + 2 cipher suites length = 37 bytes read before the suites.
    const leftBytes = helloBody(shortBody).length - 37;
    expect(suitesOverrun).toEqual({ state: 'invalid', reason: `cipher_suites length 300 overruns hello (${leftBytes} bytes left)` });

    const extensions = standardExtensions();
    const extensionsBytes = extensions.reduce((sum, extension) => sum + 4 + extension.data.length, 0);
    expectInvalid(
      parseClientHello(hello({ extensions, declared: { extensionsBytes: extensionsBytes + 1 } })),
      new RegExp(`^extensions length ${extensionsBytes + 1} overruns hello \\(${extensionsBytes} bytes left\\)$`),
    );
    expectInvalid(
      parseClientHello(hello({ extensions: [sniExtension([{ name: 'example.org', declaredBytes: 300 }])] })),
      /^server_name entry length 300 overruns server_name list \(11 bytes left\)$/,
    );
    const sni = sniExtension([{ name: 'example.org' }]);
    expectInvalid(
      parseClientHello(hello({ extensions: [{ ...sni, declaredBytes: sni.data.length + 5 }] })),
      /^extension server_name length \d+ overruns extensions/,
    );
    const alpn = alpnExtension(['h2']);
    alpn.data.writeUInt8(9, 2); // first protocol_name length
    expectInvalid(parseClientHello(hello({ extensions: [alpn] })), /^alpn protocol_name length 9 overruns alpn protocol_name_list/);
  });

  it('rejects structurally invalid vectors', () => {
    expectInvalid(parseClientHello(hello({ cipherSuites: Buffer.from([0x13, 0x01, 0x13]) })), /cipher_suites length 3 must be even/);
    expectInvalid(parseClientHello(hello({ cipherSuites: Buffer.alloc(0) })), /cipher_suites length 0/);
    expectInvalid(parseClientHello(hello({ compressionMethods: Buffer.alloc(0) })), /compression_methods is empty/);
    expectInvalid(parseClientHello(hello({ extensions: [alpnExtension([''])] })), /alpn protocol_name is empty/);
    expectInvalid(parseClientHello(hello({ extensions: [sniExtension([])] })), /server_name list is empty/);
    const trailing = records(handshakeMessage(Buffer.concat([helloBody({ extensions: standardExtensions() }), Buffer.from([0])])));
    expectInvalid(parseClientHello(trailing), /1 trailing bytes in hello/);
  });

  it('rejects a hello body that ends mid-field', () => {
    const body = helloBody({ extensions: standardExtensions() });
    const truncatedTo = (bytes: number): ClientHelloResult => parseClientHello(records(handshakeMessage(body.subarray(0, bytes))));
    expectInvalid(truncatedTo(0), /^legacy_version truncated: needs 2 bytes, hello has 0 left$/);
    expectInvalid(truncatedTo(1), /^legacy_version truncated/);
    expectInvalid(truncatedTo(12), /^random length 32 overruns hello \(10 bytes left\)$/);
    expectInvalid(truncatedTo(2 + 32 + 1 + 32 + 1), /^cipher_suites length truncated/);
    // One stray byte after the last extension, with every enclosing length adjusted to include it.
    const extensionsLengthOffset = 2 + 32 + 1 + 32 + 2 + 6 + 1 + 1; // version, random, session_id, suites, compression
    const stray = Buffer.concat([body, Buffer.from([0x00])]);
    stray.writeUInt16BE(body.readUInt16BE(extensionsLengthOffset) + 1, extensionsLengthOffset);
    expectInvalid(parseClientHello(records(handshakeMessage(stray))), /^extension type truncated: needs 2 bytes, extensions has 1 left$/);
  });

  it('rejects duplicate extension types', () => {
    const duplicated = [sniExtension([{ name: 'a.example' }]), alpnExtension(['h2']), sniExtension([{ name: 'b.example' }])];
    expectInvalid(parseClientHello(hello({ extensions: duplicated })), /duplicate extension server_name/);
    const unknownTwice = [{ type: 0x1234, data: Buffer.alloc(0) }, { type: 0x1234, data: Buffer.alloc(0) }];
    expectInvalid(parseClientHello(hello({ extensions: unknownTwice })), /duplicate extension 0x1234/);
  });

  it('gives up once MAX_CLIENT_HELLO_BYTES pass without a complete hello', () => {
    // A plausible 4,000-byte hello in 1-byte records needs ~24 KB on the wire, past the limit.
    const garbage = records(Buffer.concat([Buffer.from([1]), u24(4_000), Buffer.alloc(4_000, 0x41)]), 1);
    expect(garbage.length).toBeGreaterThan(MAX_CLIENT_HELLO_BYTES + 1);
    expect(parseClientHello(garbage.subarray(0, MAX_CLIENT_HELLO_BYTES))).toEqual({ state: 'need-more' });
    expectInvalid(parseClientHello(garbage.subarray(0, MAX_CLIENT_HELLO_BYTES + 1)), /no complete ClientHello within the first/);
    expectInvalid(parseClientHello(garbage), /no complete ClientHello within the first/);
  });
});

describe('parseClientHello under random mutation', () => {
  it('never throws and always returns one of the three states', () => {
    let seed = 0x2545f491;
    // Numerical Recipes LCG; Math.imul keeps it in 32-bit integer arithmetic.
    const next = (): number => {
      seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
      return seed;
    };
    const below = (limit: number): number => next() % limit;

    const counts = { 'need-more': 0, ok: 0, invalid: 0 };
    for (let round = 0; round < 2_000; round++) {
      const input = Buffer.from(nodeHello);
      let mutated: Buffer = input;
      switch (below(4)) {
        case 0: // corrupt a few bytes anywhere, including length fields
          for (let flips = 1 + below(4); flips > 0; flips--) input[below(input.length)] = below(256);
          break;
        case 1: // truncate
          mutated = input.subarray(0, below(input.length));
          break;
        case 2: {
          // insert random bytes
          const at = below(input.length);
          const inserted = Buffer.from(Array.from({ length: 1 + below(16) }, () => below(256)));
          mutated = Buffer.concat([input.subarray(0, at), inserted, input.subarray(at)]);
          break;
        }
        default: // poke a big-endian 16-bit value at a random position
          input.writeUInt16BE(below(0x10000), below(input.length - 1));
      }

      let result: ClientHelloResult;
      try {
        result = parseClientHello(mutated);
      } catch (error) {
        throw new Error(`round ${round} threw on ${mutated.toString('hex')}: ${String(error)}`);
      }
      expect(['need-more', 'ok', 'invalid']).toContain(result.state);
      counts[result.state] += 1;
      if (result.state === 'ok') {
        expect(result.helloBytes).toBeGreaterThan(0);
        expect(result.helloBytes).toBeLessThanOrEqual(mutated.length);
        if (result.sni !== undefined) expect(result.sni).toMatch(/^[\x20-\x40\x5b-\x7e]{1,255}$/);
      }
      if (result.state === 'invalid') expect(result.reason.length).toBeGreaterThan(0);
    }
    // The fuzzer must actually reach all three outcomes, or it is not exercising the parser.
    expect(counts['need-more']).toBeGreaterThan(0);
    expect(counts.ok).toBeGreaterThan(0);
    expect(counts.invalid).toBeGreaterThan(0);
  });
});
