import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/**
 * Signed notes of golang.org/x/mod/sumdb/note with an Ed25519 key: the signed tree heads of a
 * checksum database, and the verifier key the client is given in GOSUMDB.
 */
const ALG_ED25519 = 0x01;

/** The key hash: the first 4 bytes, big-endian, of SHA-256(name + "\n" + 0x01 + public key). */
export function keyHash(name: string, publicKey: Uint8Array): number {
  return createHash('sha256').update(`${name}\n`).update(Buffer.of(ALG_ED25519)).update(publicKey).digest().readUInt32BE(0);
}

export class NoteSigner {
  readonly name: string;
  /** The raw 32-byte Ed25519 public key. */
  readonly publicKey: Buffer;
  readonly keyHash: number;
  private readonly privateKey: KeyObject;

  private constructor(name: string, privateKey: KeyObject, publicKey: KeyObject) {
    if (!name || /\s|\+/.test(name)) throw new Error(`invalid note signer name ${JSON.stringify(name)}`);
    this.name = name;
    this.privateKey = privateKey;
    // an Ed25519 SPKI DER ends with the raw 32-byte key
    this.publicKey = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    this.keyHash = keyHash(name, this.publicKey);
  }

  /** A key made now (one per run): nothing outside the sandbox ever trusts it. */
  static generate(name: string): NoteSigner {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return new NoteSigner(name, privateKey, publicKey);
  }

  /** A key from its 32-byte Ed25519 seed (what a note signer key "PRIVATE+KEY+<name>+<hash>+<base64(0x01 || seed)>" holds). */
  static fromSeed(name: string, seed: Uint8Array): NoteSigner {
    if (seed.length !== 32) throw new Error(`an Ed25519 seed has 32 bytes, not ${seed.length}`);
    // PKCS#8 of an Ed25519 key: a fixed header, then the seed
    const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    return new NoteSigner(name, privateKey, createPublicKey(privateKey));
  }

  /** "<name>+<hash %08x>+<base64(0x01 || key)>": what GOSUMDB carries (note.NewVerifier). */
  get verifierKey(): string {
    const hash = this.keyHash.toString(16).padStart(8, '0');
    return `${this.name}+${hash}+${Buffer.concat([Buffer.of(ALG_ED25519), this.publicKey]).toString('base64')}`;
  }

  /** The note: its text, a blank line, then "— <name> base64(keyhash || signature)". */
  sign(text: string): string {
    if (!text.endsWith('\n')) throw new Error('note text must end with a newline');
    const signature = sign(null, Buffer.from(text), this.privateKey);
    const hash = Buffer.alloc(4);
    hash.writeUInt32BE(this.keyHash);
    return `${text}\n\u2014 ${this.name} ${Buffer.concat([hash, signature]).toString('base64')}\n`;
  }
}

/** The text of a signed tree head (tlog.FormatTree). */
export function treeNoteText(size: number, rootHash: Uint8Array): string {
  return `go.sum database tree\n${size}\n${Buffer.from(rootHash).toString('base64')}\n`;
}
