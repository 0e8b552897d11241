import { globMatches } from './glob.ts';

/**
 * When a fault is active during a trial, measured from the moment `go` starts: from `from`
 * (default: at once) until `until` (default: the end of the trial). This is how faults change
 * on a timeline: DNS starts failing after 2 s, a link comes back after 5 s...
 */
export interface Timed {
  /** Milliseconds (parsed from the scenario's duration). */
  from?: number;
  /** Milliseconds (parsed from the scenario's duration). */
  until?: number;
}

export interface Window {
  fromMs: number;
  untilMs: number;
}

export function windowOf(timed: Timed): Window {
  return { fromMs: timed.from ?? 0, untilMs: timed.until ?? Infinity };
}

/** A host pattern: exact, or with '*' matching any run of characters ("*.golang.org", "*"). */
export function matchesPattern(pattern: string, name: string): boolean {
  return globMatches(pattern, name, { ignoreCase: true });
}

/** The clock of the trial in flight: ms since `go` started (-1 between trials). */
export class TrialClock {
  private startedAt: number | undefined;

  start(now = performance.now()): void {
    this.startedAt = now;
  }

  stop(): void {
    this.startedAt = undefined;
  }

  elapsedMs(now = performance.now()): number {
    return this.startedAt === undefined ? -1 : now - this.startedAt;
  }
}
