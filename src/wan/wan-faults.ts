import { ActedCounter } from '../faults/acted.ts';
import { FaultSet } from '../faults/fault-set.ts';
import { matchesPattern, windowOf } from '../faults/window.ts';
import type { WanFault } from './faults.ts';

/** What the WAN's faults need of Toxiproxy: put a fault on (returning its undo) and a full reset. */
export interface ToxiproxyLinks {
  applyFault(fault: WanFault, id: string): Promise<() => Promise<void>>;
  reset(): Promise<void>;
}

/**
 * The WAN on the component contract the other layers keep (setFaults / clearFaults / faultsActed):
 * Toxiproxy does what a fault does (a toxic, or a disabled link); this puts each fault on when its
 * window opens and takes it off when it closes, on the trial clock that starts with startClock().
 * Toxiproxy logs no connections, so the WAN has no log of its own to drain: what crossed a link is
 * in the firewall's log, and faultsActed counts from it.
 */
export class WanFaults {
  private readonly links: ToxiproxyLinks;
  private readonly faults = new FaultSet<WanFault>();
  /** How to take back each fault put on this trial, by its index. */
  private readonly undo = new Map<number, () => Promise<void>>();
  private timers: NodeJS.Timeout[] = [];

  constructor(links: ToxiproxyLinks) {
    this.links = links;
  }

  /** Before go starts: the faults of the trial; those that start at once are put on now. */
  async setFaults(faults: readonly WanFault[]): Promise<void> {
    this.faults.set(faults);
    for (const [i, fault] of faults.entries()) {
      if (windowOf(fault).fromMs === 0) this.undo.set(i, await this.links.applyFault(fault, `f${i}`));
    }
  }

  /** go starts now: each fault that starts later goes on at its `from`, and each comes off at its `until`. */
  startClock(): void {
    const at = (ms: number, action: () => Promise<unknown>) => {
      if (ms === Infinity) return;
      this.timers.push(setTimeout(() => void action().catch(() => {}), ms));
    };
    for (const [i, fault] of this.faults.all().entries()) {
      const window = windowOf(fault);
      if (window.fromMs > 0) at(window.fromMs, async () => this.undo.set(i, await this.links.applyFault(fault, `f${i}`)));
      at(window.untilMs, async () => {
        await this.undo.get(i)?.();
        this.undo.delete(i);
      });
    }
  }

  /** Back to a clean WAN: no timer, and Toxiproxy's reset takes every toxic off and re-enables every link. */
  async clearFaults(): Promise<void> {
    this.stopTimers();
    this.undo.clear();
    this.faults.clear();
    await this.links.reset();
  }

  /** No fault goes on or off any more (the run stops). */
  stopTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
  }

  /**
   * Per fault of the trial, how many connections went through a link it was on: a WAN fault acts
   * on every connection of a matching host. `connectedHosts` is one host name per connection
   * (the SNI of each connection the firewall forwarded).
   */
  faultsActed(connectedHosts: readonly string[]): Record<string, number> {
    const faults = this.faults.all();
    const counter = new ActedCounter();
    counter.reset(faults);
    for (const host of connectedHosts) for (const fault of faults) if (matchesPattern(fault.match, host)) counter.add(fault);
    return counter.snapshot();
  }
}
