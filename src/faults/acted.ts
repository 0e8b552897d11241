/** How a fault is named in records and reports: its kind and the host pattern it matches. */
export function faultLabel(fault: { kind: string; match?: string | undefined }): string {
  return fault.match ? `${fault.kind} ${fault.match}` : fault.kind;
}

/**
 * Per trial, how many times each fault a component was given acted (a query delayed, a
 * connection reset, a request answered 500...). Every fault given starts at 0, so a fault that
 * never acted shows as 0 rather than missing.
 */
export class ActedCounter {
  private counts: Record<string, number> = {};

  reset(faults: ReadonlyArray<{ kind: string; match?: string | undefined }>): void {
    this.counts = Object.fromEntries(faults.map((f) => [faultLabel(f), 0]));
  }

  add(fault: { kind: string; match?: string | undefined }): void {
    const key = faultLabel(fault);
    this.counts[key] = (this.counts[key] ?? 0) + 1;
  }

  snapshot(): Record<string, number> {
    return { ...this.counts };
  }

  /** The labels that acted since `before` (a snapshot): what acted on one event decided in between. */
  since(before: Readonly<Record<string, number>>): string[] {
    return Object.keys(this.counts).filter((k) => (this.counts[k] ?? 0) > (before[k] ?? 0));
  }
}
