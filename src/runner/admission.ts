import type { LaneKind } from './lanes.ts';
import type { Admission } from './record.ts';

/**
 * Per-trial CPU admission across lanes: a trial predicted CPU-bound holds the run's CPU token
 * while it runs, so two of them never overlap, whichever lanes they are on; a trial predicted to
 * wait starts at once and overlaps freely. bench:parallel (last session) showed why: the short
 * cells of waiting scenarios (aaaa-nowhere, mirror-list and sumdb-via-proxy cells, corp-ca-trust)
 * ran 1.7-4x slower at 6 lanes than alone, beside other lanes' CPU work.
 *
 * One token: a serial run has one trial at a time, and one CPU-bound trial already keeps both
 * cores of the reference machine busy at its peaks (go's own GOMAXPROCS threads, the origin, the
 * firewall and Toxiproxy of its sandbox); a second one beside it is the contention measured.
 */
const CPU_TOKENS = 1;

/**
 * A cell whose trials keep at least this share of their wall time busy on a CPU (go's processes
 * plus the sandbox's own, record.cpuMs / wallMs; median of its trials so far) is CPU-bound. Trials
 * that wait on timeouts, stalls or a slow link spend a few % of their time on a CPU; a sub-second
 * download spends most of it.
 */
const CPU_SHARE = 0.25;

/**
 * A trial of a waiting scenario holds the token at most this long: if it runs on, it is waiting on
 * something (a timeout, a stall), and the CPU-bound cells of those scenarios take at most 1.4 s
 * alone (bench:parallel's serial medians). It bounds what a wrong guess costs the other lanes.
 */
const HOLD_CAP_MS = 3_000;

/** What a run with this admission says about it (run.json's lanes, the report). */
export function describeAdmission(tokens = CPU_TOKENS, capMs = HOLD_CAP_MS): string {
  return `${tokens} CPU token across lanes: a trial predicted CPU-bound (a CPU-bound scenario's; else a cell's first, or one whose cell so far kept a median CPU share >= ${CPU_SHARE}) starts only when no other holds it, and a waiting scenario's trial holds it at most ${capMs / 1000} s; other trials start at once`;
}

export interface AdmissionRequest {
  /** The sandbox that asked (one id per sandbox of the run). */
  owner: number;
  trial: number;
  /** scenario x mitigation x go version (x phase): trials of one cell share a prediction. */
  cell: string;
  /** The kind of the lane's unit (runner/lanes.ts): a CPU-bound scenario's trials always hold the token. */
  kind: LaneKind;
}

interface Pending extends AdmissionRequest {
  requestedAt: number;
  grant: () => void;
}

interface Admitted {
  admission: Admission;
  holding: boolean;
  cap?: NodeJS.Timeout;
}

const keyOf = (owner: number, trial: number) => `${owner}#${trial}`;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export class CpuAdmission {
  private readonly tokens: number;
  private readonly capMs: number;
  private held = 0;
  private readonly queue: Pending[] = [];
  private readonly admitted = new Map<string, Admitted>();
  /** CPU share of each finished trial, by cell. */
  private readonly history = new Map<string, number[]>();

  constructor(options: { tokens?: number; capMs?: number } = {}) {
    this.tokens = options.tokens ?? CPU_TOKENS;
    this.capMs = options.capMs ?? HOLD_CAP_MS;
  }

  /** Whether a trial of this cell is predicted CPU-bound, and from what. */
  predict(cell: string, kind: LaneKind): Pick<Admission, 'cpu' | 'basis'> {
    if (kind === 'cpu') return { cpu: true, basis: 'scenario' };
    const shares = this.history.get(cell);
    if (!shares?.length) return { cpu: true, basis: 'first' };
    return { cpu: median(shares) >= CPU_SHARE, basis: 'history' };
  }

  /** A sandbox asks to start a trial: `grant` is called when it may (at once if nothing stops it). */
  request(request: AdmissionRequest, grant: () => void): void {
    this.queue.push({ ...request, requestedAt: performance.now(), grant });
    this.pump();
  }

  /**
   * The trial's record arrived: its token (if it held one) goes to the next, its CPU share joins
   * its cell's history; returns the record's admission entry (undefined for a trial never asked about).
   */
  finished(owner: number, trial: number, cell: string, measured: { wallMs: number; cpuMs?: number | undefined }): Admission | undefined {
    const key = keyOf(owner, trial);
    const entry = this.admitted.get(key);
    if (!entry) return undefined;
    this.admitted.delete(key);
    if (measured.cpuMs !== undefined && measured.wallMs > 0) {
      const shares = this.history.get(cell) ?? [];
      shares.push(measured.cpuMs / measured.wallMs);
      this.history.set(cell, shares);
    }
    this.release(entry);
    this.pump();
    return entry.admission;
  }

  /** A sandbox ended: whatever it held or asked for (a trial cut short by Ctrl-C) is let go. */
  ownerGone(owner: number): void {
    for (const [key, entry] of this.admitted) {
      if (!key.startsWith(`${owner}#`)) continue;
      this.admitted.delete(key);
      this.release(entry);
    }
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]!.owner === owner) this.queue.splice(i, 1);
    this.pump();
  }

  private release(entry: Admitted): void {
    if (entry.cap) clearTimeout(entry.cap);
    if (entry.holding) this.held--;
    entry.holding = false;
  }

  /** Admits, in the order asked, every trial that waits and every CPU-bound one a token is free for. */
  private pump(): void {
    for (let i = 0; i < this.queue.length; ) {
      const pending = this.queue[i]!;
      const prediction = this.predict(pending.cell, pending.kind);
      if (prediction.cpu && this.held >= this.tokens) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.start(pending, prediction);
    }
  }

  private start(pending: Pending, prediction: Pick<Admission, 'cpu' | 'basis'>): void {
    const entry: Admitted = { admission: { ...prediction, waitedMs: Math.round(performance.now() - pending.requestedAt) }, holding: prediction.cpu };
    if (prediction.cpu) {
      this.held++;
      if (pending.kind === 'waiting') entry.cap = this.capTimer(entry);
    }
    this.admitted.set(keyOf(pending.owner, pending.trial), entry);
    pending.grant();
  }

  /** After capMs a waiting scenario's trial lets the token go (it is waiting on something) and runs on. */
  private capTimer(entry: Admitted): NodeJS.Timeout {
    const timer = setTimeout(() => {
      if (!entry.holding) return;
      entry.admission.capped = true;
      this.release(entry);
      this.pump();
    }, this.capMs);
    timer.unref();
    return timer;
  }
}
