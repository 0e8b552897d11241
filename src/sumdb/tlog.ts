import { createHash } from 'node:crypto';

/**
 * The transparency log of a checksum database (golang.org/x/mod/sumdb/tlog): an RFC 6962 Merkle
 * tree over the records, served as hash tiles of height 8.
 */
const HASH_SIZE = 32;
export const TILE_HEIGHT = 8;
const TILE_WIDTH = 1 << TILE_HEIGHT;

/** RFC 6962 leaf hash: SHA-256(0x00 || record). */
export function recordHash(record: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(0x00)).update(record).digest();
}

/** RFC 6962 interior node hash: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(0x01)).update(left).update(right).digest();
}

/** A tile: `width` consecutive hashes at tree level `level * height`, starting at hash `index * 2^height`. */
export interface Tile {
  height: number;
  /** The tile level; -1 is a data tile (the records themselves). */
  level: number;
  index: number;
  /** 1..2^height; less than 2^height is a partial tile (".p/W"). */
  width: number;
}

/** The tile path "tile/H/L/NNN[.p/W]", N in 3-digit groups, all but the last prefixed "x" (tlog.Tile.Path). */
export function tilePath(tile: Tile): string {
  let n = tile.index;
  let digits = String(n % 1000).padStart(3, '0');
  while (n >= 1000) {
    n = Math.floor(n / 1000);
    digits = `x${String(n % 1000).padStart(3, '0')}/${digits}`;
  }
  const partial = tile.width !== 1 << tile.height ? `.p/${tile.width}` : '';
  return `tile/${tile.height}/${tile.level === -1 ? 'data' : tile.level}/${digits}${partial}`;
}

/** Parses a tile path (without the leading "/"); only the canonical spelling is accepted, as tlog.ParseTilePath does. */
export function parseTilePath(path: string): Tile | undefined {
  const f = path.split('/');
  if (f.length < 4 || f[0] !== 'tile') return undefined;
  const height = Number(f[1]);
  const isData = f[2] === 'data';
  const level = isData ? -1 : Number(f[2]);
  if (!/^\d+$/.test(f[1]!) || (!isData && !/^\d+$/.test(f[2]!)) || height < 1 || height > 30) return undefined;
  let width = 1 << height;
  let parts = f.slice(3);
  const dotP = parts[parts.length - 2];
  if (dotP?.endsWith('.p')) {
    const w = Number(parts[parts.length - 1]);
    if (!/^\d+$/.test(parts[parts.length - 1]!) || w <= 0 || w >= width) return undefined;
    width = w;
    parts = [...parts.slice(0, -2), dotP.slice(0, -2)];
  }
  let index = 0;
  for (const part of parts) {
    const digits = part.replace(/^x/, '');
    if (!/^\d{1,3}$/.test(digits)) return undefined;
    index = index * 1000 + Number(digits);
  }
  if (!Number.isSafeInteger(index)) return undefined;
  const tile = { height, level, index, width };
  return tilePath(tile) === path ? tile : undefined;
}

/** The hash of the empty tree: SHA-256 of nothing. */
const EMPTY_TREE = createHash('sha256').digest();

/**
 * A Merkle tree kept whole in memory: for each tree level k, the hashes of the complete subtrees
 * of 2^k records, left to right. Built once; tiles are slices of it.
 */
export class MerkleTree {
  readonly size: number;
  readonly rootHash: Buffer;
  /** levels[k][i]: hash of records [i * 2^k, (i + 1) * 2^k). */
  private readonly levels: Buffer[][];

  constructor(records: readonly Uint8Array[]) {
    this.size = records.length;
    const levels: Buffer[][] = [records.map((r) => recordHash(r))];
    for (let below = levels[0]!; below.length >= 2; ) {
      const above: Buffer[] = [];
      for (let i = 0; i + 1 < below.length; i += 2) above.push(nodeHash(below[i]!, below[i + 1]!));
      levels.push(above);
      below = above;
    }
    this.levels = levels;
    this.rootHash = this.treeHash(this.size);
  }

  /** RFC 6962 Merkle tree hash of the first n records (tlog.TreeHash): perfect subtrees, folded from the right. */
  treeHash(n: number): Buffer {
    if (n === 0) return EMPTY_TREE;
    const parts: Buffer[] = [];
    for (let lo = 0; lo < n; ) {
      let level = 0;
      while (2 ** (level + 1) <= n - lo) level++;
      parts.push(this.levels[level]![lo >> level]!);
      lo += 2 ** level;
    }
    let hash = parts[parts.length - 1]!;
    for (let i = parts.length - 2; i >= 0; i--) hash = nodeHash(parts[i]!, hash);
    return hash;
  }

  /** Complete hashes at a tree level (0 = the records' own hashes). */
  countAt(treeLevel: number): number {
    return this.levels[treeLevel]?.length ?? 0;
  }

  /** A hash tile's bytes, or undefined when the tree does not hold all its hashes. */
  hashTile(tile: Tile): Buffer | undefined {
    if (tile.height !== TILE_HEIGHT || tile.level < 0) return undefined;
    const hashes = this.levels[tile.level * TILE_HEIGHT] ?? [];
    const start = tile.index * TILE_WIDTH;
    if (start + tile.width > hashes.length) return undefined;
    return Buffer.concat(hashes.slice(start, start + tile.width));
  }

  /**
   * The tiles a client verifying this tree fetches (tlog.NewTiles(8, 0, size)): on each tile
   * level the full tiles, then a partial one with the remaining hashes.
   */
  *canonicalTiles(): Generator<Tile> {
    for (let level = 0; this.countAt(level * TILE_HEIGHT) > 0; level++) {
      const count = this.countAt(level * TILE_HEIGHT);
      const full = Math.floor(count / TILE_WIDTH);
      for (let index = 0; index < full; index++) yield { height: TILE_HEIGHT, level, index, width: TILE_WIDTH };
      if (count % TILE_WIDTH) yield { height: TILE_HEIGHT, level, index: full, width: count % TILE_WIDTH };
    }
  }
}
