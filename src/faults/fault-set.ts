import { ActedCounter } from './acted.ts';
import { matchesPattern } from './window.ts';

/** What every fault has: a kind, and a window on the trial's timeline in milliseconds. */
export interface TimedFault {
  kind: string;
  /** Milliseconds from go's start (default: at once). */
  from?: number;
  /** Milliseconds from go's start (default: the end of the trial). */
  until?: number;
}

interface Entry<F> {
  fault: F;
  fromMs: number;
  untilMs: number;
}

/**
 * A component's faults for one trial, the way Toxiproxy's toxics share their framework: the
 * component decides what a fault does; the set decides, once for all, when it is active (its
 * time window) and for whom (its host pattern), and counts how often each kind acted.
 */
export class FaultSet<F extends TimedFault> {
  private entries: Array<Entry<F>> = [];
  /** How many times each fault acted this trial (components call `acted.add`); reset by `set`. */
  readonly acted = new ActedCounter();

  private readonly patternOf: (fault: F) => string | undefined;

  /** @param patternOf the host pattern of a fault (default its `match`; none: every host). */
  constructor(patternOf: (fault: F) => string | undefined = (fault) => (fault as { match?: string }).match) {
    this.patternOf = patternOf;
  }

  set(faults: readonly F[]): void {
    this.entries = faults.map((fault) => ({ fault, fromMs: fault.from ?? 0, untilMs: fault.until ?? Infinity }));
    this.acted.reset(faults as ReadonlyArray<F & { match?: string }>);
  }

  clear(): void {
    this.set([]);
  }

  /** Every fault of the trial, active or not. */
  all(): F[] {
    return this.entries.map((e) => e.fault);
  }

  /** The instants (ms) where a fault starts or ends, 0 included. */
  edgesMs(): number[] {
    return [...new Set([0, ...this.entries.flatMap((e) => [e.fromMs, e.untilMs]).filter(Number.isFinite)])];
  }

  /** Faults active at `elapsedMs` for `host` (undefined: whatever their pattern), in the scenario's order. */
  active(host: string | undefined, elapsedMs: number): F[] {
    return this.entries
      .filter((e) => elapsedMs >= e.fromMs && elapsedMs < e.untilMs)
      .filter((e) => {
        const pattern = this.patternOf(e.fault);
        return host === undefined || pattern === undefined || matchesPattern(pattern, host);
      })
      .map((e) => e.fault);
  }
}

/**
 * What a component's fault policy shares with every other: its faults of the trial (a FaultSet)
 * and their acted counter, set and cleared per trial. The component adds what its faults do.
 */
export class FaultPolicy<F extends TimedFault> {
  readonly faults = new FaultSet<F>();
  /** How many times each fault acted this trial. */
  readonly acted = this.faults.acted;

  setFaults(faults: readonly F[]): void {
    this.faults.set(faults);
  }

  clear(): void {
    this.faults.clear();
  }
}
