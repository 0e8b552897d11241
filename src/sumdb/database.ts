import { createHash } from 'node:crypto';
import { escapeModulePath } from '../corpus/escape.ts';
import type { CorpusModule } from '../corpus/generate.ts';
import { FaultSet } from '../faults/fault-set.ts';
import type { TrialClock } from '../faults/window.ts';
import { notFound, type Site, type SiteResponse } from '../origin/goproxy-site.ts';
import { matchesModule, type SumdbFault } from './faults.ts';
import { NoteSigner, treeNoteText } from './note.ts';
import { MerkleTree, parseTilePath, tilePath, TILE_HEIGHT, type Tile } from './tlog.ts';

/** What the database records for one module version: its go.sum lines. */
export interface SumdbEntry {
  path: string;
  version: string;
  /** h1: of the module zip. */
  sum: string;
  /** h1: of its go.mod. */
  goModSum: string;
}

/** The record text of a module version: "<path> <version> <h1>\n<path> <version>/go.mod <h1>\n". */
export function recordText(entry: SumdbEntry): string {
  return `${entry.path} ${entry.version} ${entry.sum}\n${entry.path} ${entry.version}/go.mod ${entry.goModSum}\n`;
}

/** Every published version of every module of the corpus, in corpus order then version order. */
export function corpusEntries(modules: readonly CorpusModule[]): SumdbEntry[] {
  return modules.flatMap((m) => m.versionSums.map((v) => ({ path: m.path, version: v.version, sum: v.sum, goModSum: v.goModSum })));
}

/** A well-formed h1: hash that no content has (deterministic per label). */
function wrongHash(label: string): string {
  return `h1:${createHash('sha256').update(`gomod-chaos: not the hash of ${label}`).digest('base64')}`;
}

const text = (status: number, body: string): SiteResponse => ({ status, contentType: 'text/plain; charset=UTF-8', body: Buffer.from(body) });

/** One log of the database: its records, the Merkle tree over them and the signed head of that tree. */
export class ChecksumLog {
  readonly entries: readonly SumdbEntry[];
  readonly tree: MerkleTree;
  readonly signedHead: string;
  private readonly texts: string[];
  /** Record id by "<escaped path>@<escaped version>", as the lookup URL names it. */
  private readonly ids = new Map<string, number>();
  /** The tiles of this tree's own size, by path ("tile/8/0/000.p/5"). */
  readonly tiles = new Map<string, Buffer>();

  constructor(entries: readonly SumdbEntry[], signer: NoteSigner) {
    this.entries = entries;
    this.texts = entries.map(recordText);
    this.tree = new MerkleTree(this.texts.map((t) => Buffer.from(t)));
    this.signedHead = signer.sign(treeNoteText(this.tree.size, this.tree.rootHash));
    for (const [id, e] of entries.entries()) this.ids.set(`${escapeModulePath(e.path)}@${escapeModulePath(e.version)}`, id);
    for (const tile of this.tree.canonicalTiles()) this.tiles.set(tilePath(tile), this.tree.hashTile(tile)!);
  }

  get size(): number {
    return this.tree.size;
  }

  idOf(escapedModuleVersion: string): number | undefined {
    return this.ids.get(escapedModuleVersion);
  }

  /** The lookup response: the record id, the record text, a blank line, the signed tree head. */
  lookup(id: number): SiteResponse {
    return text(200, `${id}\n${this.texts[id]}\n${this.signedHead}`);
  }

  /**
   * A tile: a hash tile of any width the tree holds (canonical ones from memory), or a data tile
   * (the records, each followed by a blank line, as sumdb.Server serves them).
   */
  tile(tile: Tile): Buffer | undefined {
    if (tile.height !== TILE_HEIGHT) return undefined;
    if (tile.level >= 0) return this.tiles.get(tilePath(tile)) ?? this.tree.hashTile(tile);
    const start = tile.index * (1 << TILE_HEIGHT);
    if (start + tile.width > this.size) return undefined;
    return Buffer.from(this.texts.slice(start, start + tile.width).map((t) => `${t}\n`).join(''));
  }
}

/**
 * A fork of a log, for the split view of `sumdb-inconsistent-tree`: the same records up to the
 * start of the last level-0 tile, then a different record there, and one record more (or, when
 * the log ends on a full tile, one fewer). Each tile path whose content differs between the two
 * then exists in one of them only, so one tile server answers both views truthfully.
 */
function forkOf(log: ChecksumLog, signer: NoteSigner): ChecksumLog {
  const n = log.size;
  const width = 1 << TILE_HEIGHT;
  const entries = [...log.entries];
  const at = n % width === 0 ? n - width : Math.floor((n - 1) / width) * width;
  const changed = entries[at]!;
  entries[at] = { ...changed, sum: wrongHash(`fork:${changed.path}@${changed.version}`) };
  if (n % width === 0) entries.pop();
  else entries.push({ path: 'fork.invalid/log', version: 'v0.0.0', sum: wrongHash('fork.invalid/log'), goModSum: wrongHash('fork.invalid/log/go.mod') });
  const fork = new ChecksumLog(entries, signer);
  for (const [path, data] of fork.tiles) {
    const other = log.tiles.get(path);
    if (other && !other.equals(data)) throw new Error(`sumdb fork: tile ${path} differs between the views`);
  }
  return fork;
}

interface View {
  log: ChecksumLog;
  /** Built when a trial has a sumdb-inconsistent-tree fault. */
  fork?: ChecksumLog;
}

export interface ChecksumDatabaseOptions {
  /** The database's name (the toolchain's default GOSUMDB name): the key's name and the proxy path /sumdb/<name>/. */
  name: string;
  entries: readonly SumdbEntry[];
  /** The trial clock that times the faults' windows. */
  clock: TrialClock;
}

/**
 * The checksum database of a run: a transparency log of every version of every corpus module,
 * built once when the fake internet starts and served from memory, signed with a key made for
 * the run. Serves /lookup/<module>@<version>, /tile/8/L/NNN[.p/W] and /latest at its own host,
 * and the same under /sumdb/<name>/ through the module proxies that proxy it. Its own faults
 * (a logged wrong hash, a split view) are variants of the log, built before the trial starts.
 */
export class ChecksumDatabase {
  readonly name: string;
  private readonly signer: NoteSigner;
  private readonly clock: TrialClock;
  private readonly honest: View;
  /** Logs with wrong hashes, by the wrong-hash faults active. */
  private readonly variants = new Map<string, View>();
  /** Its faults match module paths, not hosts: the set times them only. */
  readonly faults = new FaultSet<SumdbFault>(() => undefined);
  private lookups = 0;

  constructor(options: ChecksumDatabaseOptions) {
    this.name = options.name;
    this.clock = options.clock;
    this.signer = NoteSigner.generate(options.name);
    this.honest = { log: new ChecksumLog(options.entries, this.signer) };
  }

  /** "<name>+<hash>+<key>": the verifier key a client gives in GOSUMDB to trust this database. */
  get verifierKey(): string {
    return this.signer.verifierKey;
  }

  get size(): number {
    return this.honest.log.size;
  }

  /** The honest log (tests, and what a mirror would cache). */
  get log(): ChecksumLog {
    return this.honest.log;
  }

  /** A trial's faults; every log variant they can need is built now, before go starts. */
  setFaults(faults: readonly SumdbFault[]): void {
    this.faults.set(faults);
    this.lookups = 0;
    for (const ms of this.faults.edgesMs()) this.viewAt(ms);
  }

  clearFaults(): void {
    this.faults.clear();
    this.lookups = 0;
  }

  /** The database at its own host. */
  readonly site: Site = (path) => this.serve(path);

  /**
   * A module proxy that also proxies this database, as the Go project's public mirror does: go
   * asks each GOPROXY entry for /sumdb/<name>/supported and, on a 200, reads the database
   * through it (cmd/go/internal/modfetch/sumdb.go); a 404 or 410 sends it to the next entry,
   * and after the last to the database itself.
   */
  proxying(inner: Site): Site {
    const prefix = `/sumdb/${this.name}/`;
    return (path) => {
      if (!path.startsWith(prefix)) return inner(path);
      const rest = path.slice(prefix.length - 1);
      return rest === '/supported' ? text(200, '') : this.serve(rest);
    };
  }

  private hasInconsistentTree(): boolean {
    return this.faults.all().some((f) => f.kind === 'sumdb-inconsistent-tree');
  }

  private activeAt(elapsedMs: number): SumdbFault[] {
    return this.faults.active(undefined, elapsedMs);
  }

  private viewAt(elapsedMs: number): View {
    const active = this.activeAt(elapsedMs);
    const wrong = active.flatMap((fault) => (fault.kind === 'sumdb-wrong-hash' ? [{ match: fault.match, file: fault.file ?? 'zip' }] : []));
    let view = this.honest;
    if (wrong.length > 0) {
      const key = JSON.stringify(wrong);
      view = this.variants.get(key) ?? { log: this.withWrongHashes(wrong) };
      this.variants.set(key, view);
    }
    if (!view.fork && this.hasInconsistentTree() && view.log.size > 0) view.fork = forkOf(view.log, this.signer);
    return view;
  }

  private withWrongHashes(wrong: ReadonlyArray<{ match: string; file: 'zip' | 'go.mod' }>): ChecksumLog {
    const entries = this.honest.log.entries.map((e) => {
      const out = { ...e };
      for (const w of wrong) {
        if (!matchesModule(w.match, e.path)) continue;
        if (w.file === 'zip') out.sum = wrongHash(`${e.path}@${e.version}`);
        else out.goModSum = wrongHash(`${e.path}@${e.version}/go.mod`);
      }
      return out;
    });
    return new ChecksumLog(entries, this.signer);
  }

  /** What the database answers for a path (sumdb.Server's routes). */
  serve(path: string): SiteResponse {
    const elapsedMs = this.clock.elapsedMs();
    const view = this.viewAt(elapsedMs);
    if (path === '/latest') return text(200, view.log.signedHead);
    if (path.startsWith('/lookup/')) {
      const moduleVersion = path.slice('/lookup/'.length);
      if (!/^[^@]+@v[0-9]+\.[0-9]+\.[0-9]+(-[^@]*)?(\+incompatible)?$/.test(moduleVersion)) return text(400, 'invalid module@version syntax\n');
      const id = view.log.idOf(moduleVersion);
      if (id === undefined) return text(404, `not found: ${moduleVersion}\n`);
      const first = this.lookups++ === 0;
      const entry = view.log.entries[id]!;
      const split = !first && view.fork && id < view.fork.size && this.activeAt(elapsedMs).some((fault) => fault.kind === 'sumdb-inconsistent-tree' && matchesModule(fault.match, entry.path));
      return split ? view.fork!.lookup(id) : view.log.lookup(id);
    }
    if (path.startsWith('/tile/')) {
      const tile = parseTilePath(path.slice(1));
      if (!tile) return text(400, 'invalid tile syntax\n');
      // the fork's own tiles exist only for trials that show it (its paths never clash with the log's)
      const fork = this.hasInconsistentTree() ? view.fork : undefined;
      const data = view.log.tiles.get(path.slice(1)) ?? fork?.tiles.get(path.slice(1)) ?? view.log.tile(tile);
      if (!data) return text(404, `not found: ${path.slice(1)}\n`);
      return { status: 200, contentType: tile.level < 0 ? 'text/plain; charset=UTF-8' : 'application/octet-stream', body: data };
    }
    return notFound(path);
  }
}
