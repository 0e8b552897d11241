import type { CellReport, Interval } from '../model.ts';

export function ms(v: number | null | undefined): string {
  if (v === null || v === undefined) return '-';
  return v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;
}

export function msInterval(i: Interval): string {
  if (i.value === null) return '-';
  return `${ms(i.value)} [${ms(i.low)}–${ms(i.high)}]`;
}

export function pct(v: number | null | undefined): string {
  return v === null || v === undefined ? '-' : `${(v * 100).toFixed(0)}%`;
}

export function ratioInterval(i: Interval | undefined): string {
  if (!i || i.value === null) return '-';
  const f = (v: number | null) => (v === null ? '∞' : v.toFixed(2));
  return `${f(i.value)}× [${f(i.low)}–${f(i.high)}]`;
}

export function topFailures(cell: CellReport, count = 3): string {
  const entries = Object.entries(cell.failureClasses).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return '-';
  return entries.slice(0, count).map(([k, v]) => `${k} ×${v}`).join(', ');
}

/** The cell's label in tables: the mitigation, and the go version when a run compares several. */
export function cellLabel(cell: CellReport, multipleGo: boolean): string {
  return multipleGo ? `${cell.mitigation} (${cell.goVersion})` : cell.mitigation;
}
