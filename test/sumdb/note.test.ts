import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NoteSigner, keyHash, treeNoteText } from '../../src/sumdb/note.ts';

/** The test key of golang.org/x/mod/sumdb/note: "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz". */
const PETER_SEED = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(1);

/** An Ed25519 public key object from its raw 32 bytes (SPKI: a fixed header, then the key). */
function publicKeyOf(raw: Uint8Array) {
  return createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]), format: 'der', type: 'spki' });
}

describe('signed notes (golang.org/x/mod/sumdb/note)', () => {
  it('derives the verifier key of the note package test vector', () => {
    const signer = NoteSigner.fromSeed('PeterNeumann', PETER_SEED);
    expect(signer.verifierKey).toBe('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
    expect(keyHash('PeterNeumann', signer.publicKey)).toBe(0xc74f20a3);
  });

  it('signs exactly as note.Sign does (its golden output)', () => {
    const signer = NoteSigner.fromSeed('PeterNeumann', PETER_SEED);
    const text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    expect(signer.sign(text)).toBe(`${text}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`);
    expect(() => signer.sign('no newline')).toThrow(/newline/);
  });

  it('a key made for the run: the signature verifies with node:crypto under the key in the verifier string', () => {
    const signer = NoteSigner.generate('sum.golang.org');
    // the base64 key may itself hold '+'
    const [, name, hash, key] = /^([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(signer.verifierKey)!;
    expect(name).toBe('sum.golang.org');
    const keyBytes = Buffer.from(key!, 'base64');
    expect(keyBytes[0]).toBe(1); // Ed25519
    expect(parseInt(hash!, 16)).toBe(keyHash('sum.golang.org', keyBytes.subarray(1)));

    const text = treeNoteText(3, Buffer.alloc(32, 7));
    expect(text).toBe(`go.sum database tree\n3\n${Buffer.alloc(32, 7).toString('base64')}\n`);
    const note = signer.sign(text);
    const line = /^\n— (\S+) (\S+)\n$/.exec(note.slice(text.length));
    expect(line?.[1]).toBe('sum.golang.org');
    const sig = Buffer.from(line![2]!, 'base64');
    expect(sig.readUInt32BE(0)).toBe(parseInt(hash!, 16));
    expect(verify(null, Buffer.from(text), publicKeyOf(keyBytes.subarray(1)), sig.subarray(4))).toBe(true);
    expect(verify(null, Buffer.from(text.replace('3', '4')), publicKeyOf(keyBytes.subarray(1)), sig.subarray(4))).toBe(false);
  });
});
