import { createHash } from 'node:crypto';

export interface HashedFile {
  name: string;
  content: Uint8Array;
}

/**
 * The `h1:` hash of golang.org/x/mod/sumdb/dirhash.Hash1: for each file, sorted by name
 * byte-wise, a line "<hex sha256 of content>  <name>\n"; the sha256 of that summary, in
 * standard padded base64.
 */
export function hash1(files: readonly HashedFile[]): string {
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  const summary = createHash('sha256');
  for (const file of sorted) {
    if (file.name.includes('\n')) throw new Error(`dirhash: file name with newline: ${JSON.stringify(file.name)}`);
    const fileHash = createHash('sha256').update(file.content).digest('hex');
    summary.update(`${fileHash}  ${file.name}\n`);
  }
  return `h1:${summary.digest('base64')}`;
}

/** The go.sum hash of a go.mod file: Hash1 over a single file named "go.mod". */
export function hashGoMod(content: Uint8Array | string): string {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return hash1([{ name: 'go.mod', content: bytes }]);
}
