import type { TrialRecord } from '../runner/record.ts';

/** Per fault of a cell: how many times it acted over the cell's trials, and in how many trials it was counted. */
export type FaultsActed = Record<string, { total: number; trials: number }>;

export function faultsActedOf(records: readonly TrialRecord[]): FaultsActed {
  const out: FaultsActed = {};
  for (const r of records) {
    for (const [label, count] of Object.entries(r.faultsActed ?? {})) {
      const entry = (out[label] ??= { total: 0, trials: 0 });
      entry.total += count;
      entry.trials++;
    }
  }
  return out;
}

/** Faults that acted 0 times in every trial of the cell: the cell measured a network without them. */
export function neverActed(acted: FaultsActed | undefined): string[] {
  return Object.entries(acted ?? {}).filter(([, a]) => a.trials > 0 && a.total === 0).map(([label]) => label);
}

export function neverActedWarning(cell: { mitigation: string; goVersion: string }, label: string): string {
  return `fault "${label}" acted 0 times in every trial of ${cell.mitigation} (${cell.goVersion}): this cell measured a network without it`;
}

/** "dns-delay proxy.golang.org ×16, tcp-latency * ×40" */
export function actedSummary(acted: FaultsActed | undefined): string {
  const entries = Object.entries(acted ?? {});
  return entries.length ? entries.map(([label, a]) => `${label} ×${a.total}`).join(', ') : '-';
}
