import { createHash, createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TrialClock } from '../../src/faults/window.ts';
import { ChecksumDatabase, recordText, type SumdbEntry } from '../../src/sumdb/database.ts';
import { nodeHash } from '../../src/sumdb/tlog.ts';

const sha256 = (...parts: Array<Uint8Array | string>) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
const h1 = (label: string) => `h1:${sha256(label).toString('base64')}`;

function entries(n: number): SumdbEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const path = i % 5 === 0 ? `gomod.example/Corp/m${i}` : `gomod.example/lib/m${i}`;
    return { path, version: 'v1.0.0', sum: h1(`zip ${i}`), goModSum: h1(`mod ${i}`) };
  });
}

function database(n: number, clock = new TrialClock()) {
  return new ChecksumDatabase({ name: 'sum.golang.org', entries: entries(n), clock });
}

const body = (db: ChecksumDatabase, path: string) => {
  const r = db.serve(path);
  expect(r.status, path).toBe(200);
  return r.body.toString();
};

interface Head {
  size: number;
  root: Buffer;
  note: string;
}

/** The id, the record and the signed tree head of a lookup response, its signature checked with node:crypto. */
function parseLookup(db: ChecksumDatabase, text: string): { id: number; record: string; head: Head } {
  const m = /^(\d+)\n([\s\S]*?\n)\n(go\.sum database tree\n(\d+)\n(\S+)\n)\n— sum\.golang\.org (\S+)\n$/.exec(text);
  expect(m, text).not.toBeNull();
  const [, id, record, signed, size, root, sig] = m!;
  const key = Buffer.from(/^[^+]+\+[0-9a-f]{8}\+(.+)$/.exec(db.verifierKey)![1]!, 'base64');
  const publicKey = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), key.subarray(1)]), format: 'der', type: 'spki' });
  expect(verify(null, Buffer.from(signed!), publicKey, Buffer.from(sig!, 'base64').subarray(4))).toBe(true);
  return { id: Number(id), record: record!, head: { size: Number(size), root: Buffer.from(root!, 'base64'), note: signed! } };
}

/**
 * TreeHash(n) computed only from the tiles a client verifying a tree of `treeSize` fetches
 * (tlog.TileHashReader): each perfect subtree's hash is read from the tile that stores its level,
 * or rebuilt from the hashes of the tile below it.
 */
function treeHashFromTiles(db: ChecksumDatabase, treeSize: number, n: number): Buffer {
  const subtree = (level: number, index: number): Buffer => {
    const tileLevel = Math.floor(level / 8);
    const within = level - tileLevel * 8;
    const first = index << within;
    const tileIndex = Math.floor(first / 256);
    const stored = Math.floor(treeSize / 256 ** tileLevel);
    const width = Math.min(256, stored - tileIndex * 256);
    const digits = String(tileIndex).padStart(3, '0');
    const path = `/tile/8/${tileLevel}/${digits}${width < 256 ? `.p/${width}` : ''}`;
    const data = db.serve(path);
    expect(data.status, path).toBe(200);
    let hashes = Array.from({ length: 1 << within }, (_, j) => data.body.subarray((first - tileIndex * 256 + j) * 32, (first - tileIndex * 256 + j + 1) * 32));
    while (hashes.length > 1) hashes = hashes.flatMap((h, j) => (j % 2 ? [] : [nodeHash(h, hashes[j + 1]!)]));
    return Buffer.from(hashes[0]!);
  };
  const parts: Buffer[] = [];
  for (let lo = 0; lo < n; ) {
    let level = 0;
    while (2 ** (level + 1) <= n - lo) level++;
    parts.push(subtree(level, lo >> level));
    lo += 2 ** level;
  }
  return parts.reduceRight((acc, h) => nodeHash(h, acc));
}

describe('the checksum database of a run', () => {
  it('answers a lookup with the record id, the go.sum lines and a signed tree head', () => {
    const db = database(7);
    const { id, record, head } = parseLookup(db, body(db, '/lookup/gomod.example/!corp/m5@v1.0.0'));
    const e = entries(7)[5]!;
    expect(id).toBe(5);
    expect(record).toBe(`gomod.example/Corp/m5 v1.0.0 ${e.sum}\ngomod.example/Corp/m5 v1.0.0/go.mod ${e.goModSum}\n`);
    expect(recordText(e)).toBe(record);
    expect(head.size).toBe(7);
    expect(body(db, '/latest')).toBe(`${head.note}\n— sum.golang.org ${/— sum\.golang\.org (\S+)/.exec(body(db, '/latest'))![1]}\n`);
    expect(db.serve('/lookup/gomod.example/lib/nope@v1.0.0').status).toBe(404);
    expect(db.serve('/lookup/not-a-version').status).toBe(400);
  });

  it('serves tiles that authenticate against the signed root, and the record hashes in them', () => {
    const db = database(300);
    const { head } = parseLookup(db, body(db, '/lookup/gomod.example/lib/m1@v1.0.0'));
    expect(treeHashFromTiles(db, head.size, head.size)).toEqual(head.root);
    const tile = db.serve('/tile/8/0/001.p/44').body;
    expect(tile.subarray(0, 32)).toEqual(sha256(Buffer.of(0), recordText(entries(300)[256]!)));
    expect(db.serve('/tile/8/1/000.p/1').body).toHaveLength(32);
    expect(db.serve('/tile/8/0/001.p/45').status).toBe(404);
    expect(db.serve('/tile/8/0/1').status).toBe(400);
    // a data tile: the records, each followed by a blank line
    expect(body(db, '/tile/8/data/000.p/2')).toBe(`${recordText(entries(300)[0]!)}\n${recordText(entries(300)[1]!)}\n`);
  });

  it('is proxied under /sumdb/<name>/ by mirrors that proxy it, and supported answers 200', () => {
    const db = database(3);
    const mirror = db.proxying((path) => ({ status: 299, contentType: 'text/plain', body: Buffer.from(path) }));
    expect(mirror('/sumdb/sum.golang.org/supported')).toMatchObject({ status: 200 });
    expect(mirror('/sumdb/sum.golang.org/lookup/gomod.example/lib/m1@v1.0.0').body).toEqual(db.serve('/lookup/gomod.example/lib/m1@v1.0.0').body);
    expect(mirror('/sumdb/sum.example.org/supported').status).toBe(299);
    expect(mirror('/gomod.example/lib/m1/@v/list').status).toBe(299);
  });

  it('sumdb-wrong-hash: matching modules are logged with a wrong h1:, properly signed, only inside the window', () => {
    const clock = new TrialClock();
    const db = database(10, clock);
    const honest = parseLookup(db, body(db, '/lookup/gomod.example/lib/m1@v1.0.0'));
    db.setFaults([{ kind: 'sumdb-wrong-hash', match: 'gomod.example/lib/*', until: 2_000 }]);
    clock.start();
    const zip = parseLookup(db, body(db, '/lookup/gomod.example/lib/m1@v1.0.0'));
    expect(zip.record).not.toBe(honest.record);
    expect(zip.record.split('\n')[1]).toBe(honest.record.split('\n')[1]); // the go.mod line stays
    expect(zip.head.size).toBe(10);
    expect(treeHashFromTiles(db, 10, 10)).toEqual(zip.head.root);
    expect(parseLookup(db, body(db, '/lookup/gomod.example/!corp/m0@v1.0.0')).record).toBe(recordText(entries(10)[0]!)); // no match
    clock.start(performance.now() - 3_000);
    expect(parseLookup(db, body(db, '/lookup/gomod.example/lib/m1@v1.0.0')).record).toBe(honest.record);
    db.setFaults([{ kind: 'sumdb-wrong-hash', match: 'gomod.example/lib/m1', file: 'go.mod' }]);
    const mod = parseLookup(db, body(db, '/lookup/gomod.example/lib/m1@v1.0.0'));
    expect(mod.record.split('\n')[0]).toBe(honest.record.split('\n')[0]);
    expect(mod.record.split('\n')[1]).not.toBe(honest.record.split('\n')[1]);
  });

  it.each([1, 5, 255, 256, 257, 512, 700])('sumdb-inconsistent-tree on a log of %i: the first lookup sees the log, later ones a fork whose tiles prove the split', (n) => {
    const clock = new TrialClock();
    const db = database(n, clock);
    db.setFaults([{ kind: 'sumdb-inconsistent-tree', match: '*' }]);
    clock.start();
    const lookup = (i: number) => parseLookup(db, body(db, `/lookup/${entries(n)[i]!.path.replace('Corp', '!corp')}@v1.0.0`)).head;
    const first = lookup(0);
    const later = lookup(n - 1 > 0 && n % 256 === 0 ? n - 2 : Math.max(0, n - 1));
    expect(first.size).toBe(n);
    expect(later.size).toBe(n % 256 === 0 ? n - 1 : n + 1);
    // each head is supported by its own tiles...
    expect(treeHashFromTiles(db, first.size, first.size)).toEqual(first.root);
    expect(treeHashFromTiles(db, later.size, later.size)).toEqual(later.root);
    // ...and the bigger tree's tiles disagree with the smaller head: what the client proves
    const [older, newer] = first.size < later.size ? [first, later] : [later, first];
    expect(treeHashFromTiles(db, newer.size, older.size)).not.toEqual(older.root);
    db.clearFaults();
    expect(lookup(0)).toEqual(first);
  });

  it('a fork of a log ending on a complete level-1 subtree (65536 records) still keeps the views apart', { timeout: 30_000 }, () => {
    const clock = new TrialClock();
    const db = database(65_536, clock);
    db.setFaults([{ kind: 'sumdb-inconsistent-tree', match: '*' }]);
    clock.start();
    const first = parseLookup(db, body(db, '/lookup/gomod.example/lib/m1@v1.0.0')).head;
    const later = parseLookup(db, body(db, '/lookup/gomod.example/lib/m2@v1.0.0')).head;
    expect([first.size, later.size]).toEqual([65_536, 65_535]);
    expect(treeHashFromTiles(db, later.size, later.size)).toEqual(later.root);
    expect(treeHashFromTiles(db, first.size, later.size)).not.toEqual(later.root);
  });
});
