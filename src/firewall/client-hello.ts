// Extracts SNI and ALPN from the first bytes a TLS client sends, so the SNI firewall can decide
// where a connection is going before it connects upstream. Pure: no I/O, never throws.

export type ClientHelloResult =
  | { state: 'need-more' }
  | { state: 'ok'; sni: string | undefined; alpn: string[]; helloBytes: number; version: number }
  | { state: 'invalid'; reason: string };

const RECORD_HEADER_BYTES = 5;
const HANDSHAKE_HEADER_BYTES = 4;
// RFC 8446 §5.2 lets a record body reach 2^14 + 2048 bytes (TLSCiphertext); a plaintext hello never needs more.
const MAX_RECORD_BODY_BYTES = 2 ** 14 + 2048;

/**
 * Bytes the firewall will buffer while waiting for a complete ClientHello. Room for one
 * maximum-size record plus some fragmentation overhead; real hellos are 0.3–2 KB.
 */
export const MAX_CLIENT_HELLO_BYTES = 20 * 1024;

const CONTENT_TYPE_HANDSHAKE = 22;
const HANDSHAKE_TYPE_CLIENT_HELLO = 1;
const EXTENSION_SERVER_NAME = 0;
const EXTENSION_ALPN = 16;
const SERVER_NAME_TYPE_HOST_NAME = 0;
const MAX_SESSION_ID_BYTES = 32;
const MAX_HOST_NAME_BYTES = 255;

/**
 * Parses the ClientHello at the start of `buf` (everything received on the connection so far).
 * Only the first MAX_CLIENT_HELLO_BYTES are ever looked at, so the answer for a given prefix
 * never changes once more data arrives beyond that limit.
 */
export function parseClientHello(buf: Buffer): ClientHelloResult {
  const window = buf.subarray(0, MAX_CLIENT_HELLO_BYTES);
  const reassembly = reassembleClientHello(window);
  if (reassembly.state === 'invalid') return reassembly;
  if (reassembly.state === 'incomplete') {
    return buf.length > MAX_CLIENT_HELLO_BYTES
      ? invalid(`no complete ClientHello within the first ${MAX_CLIENT_HELLO_BYTES} bytes`)
      : { state: 'need-more' };
  }
  try {
    const hello = parseHelloBody(reassembly.helloBody);
    return { state: 'ok', ...hello, helloBytes: reassembly.recordBytes };
  } catch (error) {
    if (error instanceof MalformedHello) return invalid(error.message);
    throw error;
  }
}

function invalid(reason: string): { state: 'invalid'; reason: string } {
  return { state: 'invalid', reason };
}

type Reassembly =
  | { state: 'complete'; helloBody: Buffer; recordBytes: number }
  | { state: 'incomplete' }
  | { state: 'invalid'; reason: string };

/** Joins the bodies of consecutive handshake records until they hold the whole ClientHello message. */
function reassembleClientHello(input: Buffer): Reassembly {
  const fragments: Buffer[] = [];
  let handshakeBytes = 0;
  let helloMessageBytes: number | undefined; // handshake header + body, known once 4 handshake bytes arrived
  let offset = 0;
  for (;;) {
    const header = readRecordHeader(input, offset);
    if (header.state !== 'complete') return header;
    const bodyStart = offset + RECORD_HEADER_BYTES;
    const bodyEnd = bodyStart + header.bodyBytes;
    if (bodyEnd > input.length) return { state: 'incomplete' };

    if (fragments.length === 0) {
      const handshakeType = input.readUInt8(bodyStart); // zero-length records are rejected, so this byte exists
      if (handshakeType !== HANDSHAKE_TYPE_CLIENT_HELLO) {
        return invalid(`handshake message type ${handshakeType} is not ClientHello (1)`);
      }
    }
    fragments.push(input.subarray(bodyStart, bodyEnd));
    handshakeBytes += header.bodyBytes;
    offset = bodyEnd;

    if (helloMessageBytes === undefined && handshakeBytes >= HANDSHAKE_HEADER_BYTES) {
      const helloBodyBytes = Buffer.concat(fragments, HANDSHAKE_HEADER_BYTES).readUIntBE(1, 3);
      if (RECORD_HEADER_BYTES + HANDSHAKE_HEADER_BYTES + helloBodyBytes > MAX_CLIENT_HELLO_BYTES) {
        return invalid(`ClientHello length ${helloBodyBytes} exceeds the ${MAX_CLIENT_HELLO_BYTES}-byte limit`);
      }
      helloMessageBytes = HANDSHAKE_HEADER_BYTES + helloBodyBytes;
    }
    if (helloMessageBytes !== undefined && handshakeBytes >= helloMessageBytes) {
      // Bytes after the hello in its last record belong to later messages; the firewall does not need them.
      const helloBody = Buffer.concat(fragments, handshakeBytes).subarray(HANDSHAKE_HEADER_BYTES, helloMessageBytes);
      return { state: 'complete', helloBody, recordBytes: offset };
    }
  }
}

type RecordHeader = { state: 'complete'; bodyBytes: number } | { state: 'incomplete' } | { state: 'invalid'; reason: string };

/** Validates as much of the record header at `offset` as has arrived, so non-TLS input is rejected on its first byte. */
function readRecordHeader(input: Buffer, offset: number): RecordHeader {
  const availableBytes = input.length - offset;
  if (availableBytes >= 1) {
    const contentType = input.readUInt8(offset);
    if (contentType !== CONTENT_TYPE_HANDSHAKE) {
      return invalid(`record at byte ${offset} has content type ${contentType}, expected handshake (22)`);
    }
  }
  if (availableBytes >= 2 && input.readUInt8(offset + 1) !== 3) {
    return invalid(`record at byte ${offset} has version major ${input.readUInt8(offset + 1)}, expected 3`);
  }
  if (availableBytes >= 3) {
    const recordVersion = input.readUInt16BE(offset + 1);
    if (recordVersion < 0x0301 || recordVersion > 0x0304) {
      return invalid(`record at byte ${offset} has version ${hex16(recordVersion)}, expected 0x0301..0x0304`);
    }
  }
  if (availableBytes < RECORD_HEADER_BYTES) return { state: 'incomplete' };

  const bodyBytes = input.readUInt16BE(offset + 3);
  if (bodyBytes === 0) return invalid(`record at byte ${offset} is empty`); // RFC 8446 §5.1 forbids empty handshake fragments
  if (bodyBytes > MAX_RECORD_BODY_BYTES) {
    return invalid(`record at byte ${offset} length ${bodyBytes} exceeds ${MAX_RECORD_BODY_BYTES}`);
  }
  return { state: 'complete', bodyBytes };
}

function hex16(value: number): string {
  return `0x${value.toString(16).padStart(4, '0')}`;
}

class MalformedHello extends Error {}

/** Bounds-checked big-endian reader over one length-delimited container; errors name the field and container. */
class Reader {
  readonly #bytes: Buffer;
  readonly #container: string;
  #offset = 0;

  constructor(bytes: Buffer, container: string) {
    this.#bytes = bytes;
    this.#container = container;
  }

  get remainingBytes(): number {
    return this.#bytes.length - this.#offset;
  }

  uint(field: string, widthBytes: 1 | 2): number {
    if (this.remainingBytes < widthBytes) {
      throw new MalformedHello(`${field} truncated: needs ${widthBytes} bytes, ${this.#container} has ${this.remainingBytes} left`);
    }
    const value = this.#bytes.readUIntBE(this.#offset, widthBytes);
    this.#offset += widthBytes;
    return value;
  }

  bytes(field: string, lengthBytes: number): Buffer {
    if (lengthBytes > this.remainingBytes) {
      throw new MalformedHello(`${field} length ${lengthBytes} overruns ${this.#container} (${this.remainingBytes} bytes left)`);
    }
    const slice = this.#bytes.subarray(this.#offset, this.#offset + lengthBytes);
    this.#offset += lengthBytes;
    return slice;
  }

  /** Reads a vector: a `prefixBytes`-wide length followed by that many bytes. */
  vector(field: string, prefixBytes: 1 | 2): Buffer {
    if (this.remainingBytes < prefixBytes) {
      throw new MalformedHello(`${field} length truncated: ${this.#container} has ${this.remainingBytes} bytes left`);
    }
    return this.bytes(field, this.uint(field, prefixBytes));
  }

  expectEnd(): void {
    if (this.remainingBytes !== 0) {
      throw new MalformedHello(`${this.remainingBytes} trailing bytes in ${this.#container}`);
    }
  }
}

type HelloFields = { sni: string | undefined; alpn: string[]; version: number };

function parseHelloBody(body: Buffer): HelloFields {
  const hello = new Reader(body, 'hello');
  const version = hello.uint('legacy_version', 2);
  if (version >> 8 !== 3) throw new MalformedHello(`legacy_version ${hex16(version)} is not TLS`);
  hello.bytes('random', 32);

  const sessionId = hello.vector('session_id', 1);
  if (sessionId.length > MAX_SESSION_ID_BYTES) {
    throw new MalformedHello(`session_id length ${sessionId.length} exceeds ${MAX_SESSION_ID_BYTES}`);
  }
  const cipherSuites = hello.vector('cipher_suites', 2);
  if (cipherSuites.length < 2 || cipherSuites.length % 2 !== 0) {
    throw new MalformedHello(`cipher_suites length ${cipherSuites.length} must be even and at least 2`);
  }
  const compressionMethods = hello.vector('compression_methods', 1);
  if (compressionMethods.length < 1) throw new MalformedHello('compression_methods is empty');

  // Pre-TLS-1.0-extension clients end the hello here.
  if (hello.remainingBytes === 0) return { sni: undefined, alpn: [], version };

  const extensions = new Reader(hello.vector('extensions', 2), 'extensions');
  hello.expectEnd();

  let sni: string | undefined;
  let alpn: string[] = [];
  const seenTypes = new Set<number>();
  while (extensions.remainingBytes > 0) {
    const type = extensions.uint('extension type', 2);
    const name = extensionName(type);
    const data = extensions.vector(`extension ${name}`, 2);
    if (seenTypes.has(type)) throw new MalformedHello(`duplicate extension ${name}`);
    seenTypes.add(type);
    if (type === EXTENSION_SERVER_NAME) sni = parseServerName(data);
    if (type === EXTENSION_ALPN) alpn = parseAlpn(data);
  }
  return { sni, alpn, version };
}

function extensionName(type: number): string {
  if (type === EXTENSION_SERVER_NAME) return 'server_name';
  if (type === EXTENSION_ALPN) return 'alpn';
  return hex16(type);
}

/** RFC 6066 §3: returns the first host_name entry, lower-cased. */
function parseServerName(data: Buffer): string | undefined {
  const extension = new Reader(data, 'server_name extension');
  const list = new Reader(extension.vector('server_name list', 2), 'server_name list');
  extension.expectEnd();
  if (list.remainingBytes === 0) throw new MalformedHello('server_name list is empty');

  let hostName: string | undefined;
  while (list.remainingBytes > 0) {
    const nameType = list.uint('server_name entry type', 1);
    const name = list.vector('server_name entry', 2);
    if (nameType !== SERVER_NAME_TYPE_HOST_NAME || hostName !== undefined) continue;
    if (name.length < 1 || name.length > MAX_HOST_NAME_BYTES) {
      throw new MalformedHello(`server_name host_name length ${name.length} is outside 1..${MAX_HOST_NAME_BYTES}`);
    }
    const badByteIndex = name.findIndex((byte) => byte < 0x20 || byte > 0x7e);
    if (badByteIndex !== -1) {
      throw new MalformedHello(`server_name host_name has non-printable byte 0x${name[badByteIndex]?.toString(16).padStart(2, '0')} at ${badByteIndex}`);
    }
    hostName = name.toString('latin1').toLowerCase();
  }
  return hostName;
}

/** RFC 7301 §3.1: a non-empty list of non-empty protocol names. */
function parseAlpn(data: Buffer): string[] {
  const extension = new Reader(data, 'alpn extension');
  const list = new Reader(extension.vector('alpn protocol_name_list', 2), 'alpn protocol_name_list');
  extension.expectEnd();
  if (list.remainingBytes === 0) throw new MalformedHello('alpn protocol_name_list is empty');

  const protocols: string[] = [];
  while (list.remainingBytes > 0) {
    const protocol = list.vector('alpn protocol_name', 1);
    if (protocol.length === 0) throw new MalformedHello('alpn protocol_name is empty');
    // latin1 maps bytes 1:1, so an odd protocol name is preserved rather than replaced with U+FFFD.
    protocols.push(protocol.toString('latin1'));
  }
  return protocols;
}
