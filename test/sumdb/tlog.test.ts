import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MerkleTree, nodeHash, parseTilePath, recordHash, tilePath } from '../../src/sumdb/tlog.ts';

const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** RFC 6962 section 2.1, written from the definition: MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])), k the largest power of two < n. */
function mth(leaves: readonly Uint8Array[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return sha256(Buffer.of(0), leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha256(Buffer.of(1), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

const records = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`gomod.example/lib/m${i} v1.0.0 h1:x\n`));

describe('transparency log (golang.org/x/mod/sumdb/tlog)', () => {
  it('hashes leaves and nodes as RFC 6962 does', () => {
    expect(recordHash(Buffer.from('abc'))).toEqual(sha256(Buffer.of(0), Buffer.from('abc')));
    const [a, b] = [sha256(Buffer.from('a')), sha256(Buffer.from('b'))];
    expect(nodeHash(a, b)).toEqual(sha256(Buffer.of(1), a, b));
    // tlog's FormatTree test: RecordHash("hello world") in base64
    expect(recordHash(Buffer.from('hello world')).toString('base64')).toBe('TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=');
  });

  it('computes the roots of the RFC 6962 reference vectors', () => {
    const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
    const roots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    for (const [i, root] of roots.entries()) expect(new MerkleTree(leaves.slice(0, i + 1)).rootHash.toString('hex')).toBe(root);
    expect(new MerkleTree([]).rootHash).toEqual(sha256());
  });

  it('agrees with the recursive definition for every size around tile edges, and for each prefix', () => {
    for (const n of [1, 2, 3, 255, 256, 257, 511, 600]) {
      const data = records(n);
      const tree = new MerkleTree(data);
      expect(tree.rootHash, `size ${n}`).toEqual(mth(data));
      for (const prefix of [1, Math.floor(n / 2), n - 1].filter((p) => p > 0)) expect(tree.treeHash(prefix)).toEqual(mth(data.slice(0, prefix)));
    }
  });

  it('writes tile paths as tlog.Tile.Path does', () => {
    // the examples of tlog's own documentation
    expect(tilePath({ height: 3, level: 4, index: 1_234_067, width: 1 })).toBe('tile/3/4/x001/x234/067.p/1');
    expect(tilePath({ height: 3, level: 4, index: 1_234_067, width: 8 })).toBe('tile/3/4/x001/x234/067');
    expect(tilePath({ height: 8, level: 0, index: 0, width: 5 })).toBe('tile/8/0/000.p/5');
    expect(tilePath({ height: 8, level: 1, index: 1000, width: 256 })).toBe('tile/8/1/x001/000');
    expect(tilePath({ height: 1, level: -1, index: 3_057_500, width: 2 })).toBe('tile/1/data/x003/x057/500');
  });

  it('parses only canonical tile paths', () => {
    expect(parseTilePath('tile/3/4/x001/x234/067.p/1')).toEqual({ height: 3, level: 4, index: 1_234_067, width: 1 });
    expect(parseTilePath('tile/8/0/000.p/5')).toEqual({ height: 8, level: 0, index: 0, width: 5 });
    expect(parseTilePath('tile/1/data/x003/x057/500')).toEqual({ height: 1, level: -1, index: 3_057_500, width: 2 });
    for (const bad of ['tile/3/5/123/456/078', 'tile/3/-1/123/456/078', 'tile/8/0/0001', 'tile/8/0/001.p/256', 'tile/8/0/001.p/0', 'tile/8/0/1', 'tiles/8/0/001', 'tile/8/0']) {
      expect(parseTilePath(bad), bad).toBeUndefined();
    }
  });

  it('serves hash tiles: level 0 the record hashes, level 1 the hashes of complete 256-record subtrees', () => {
    const data = records(600);
    const tree = new MerkleTree(data);
    const leaf = data.map((d) => sha256(Buffer.of(0), d));
    expect(tree.hashTile({ height: 8, level: 0, index: 0, width: 256 })).toEqual(Buffer.concat(leaf.slice(0, 256)));
    expect(tree.hashTile({ height: 8, level: 0, index: 2, width: 88 })).toEqual(Buffer.concat(leaf.slice(512, 600)));
    expect(tree.hashTile({ height: 8, level: 0, index: 2, width: 89 })).toBeUndefined();
    expect(tree.hashTile({ height: 8, level: 1, index: 0, width: 2 })).toEqual(Buffer.concat([mth(data.slice(0, 256)), mth(data.slice(256, 512))]));
    expect([...tree.canonicalTiles()].map(tilePath)).toEqual(['tile/8/0/000', 'tile/8/0/001', 'tile/8/0/002.p/88', 'tile/8/1/000.p/2']);
  });
});
