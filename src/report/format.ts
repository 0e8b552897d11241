import type { CellReport, Interval } from './model.ts';

/**
 * How every report says a number: report.md, report.html, junit.xml, `compare` and the evidence
 * all format times, shares, ratios, p-values and intervals here, so they say the same thing.
 * Missing values are `-` in text (report.html draws its own dash).
 */

/** A time, in the unit `scale` (default the value itself) calls for: "850 ms", "2.35 s", "12.3 s". */
export function formatMs(v: number, scale = v): string {
  if (scale < 1000) return `${Math.round(v)} ms`;
  if (scale < 10_000) return `${(v / 1000).toFixed(2)} s`;
  return `${(v / 1000).toFixed(1)} s`;
}

/** A share as a percentage: whole above 10 % and at 0 or 100 %, a tenth below ("4.2%"). */
export function formatPercent(v: number): string {
  const pct = v * 100;
  return `${pct === 0 || pct === 100 || pct >= 10 ? Math.round(pct) : pct.toFixed(1)}%`;
}

/** A share to a tenth of a percent ("67.6%"): thresholds and the intervals verdict reasons quote. */
export function formatPercentTenths(v: number): string {
  return `${Math.round(v * 1000) / 10}%`;
}

export function formatRatio(v: number): string {
  return `${v.toFixed(2)}×`;
}

/** A p-value: two significant digits, or "1.6e-4" below 0.001. */
export function formatP(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'n/a';
  return v < 0.001 ? v.toExponential(1) : v.toPrecision(2);
}

export function ms(v: number | null | undefined): string {
  return v === null || v === undefined ? '-' : formatMs(v);
}

export function pct(v: number | null | undefined): string {
  return v === null || v === undefined ? '-' : formatPercent(v);
}

/** An interval as its value (with the unit) and its bounds (in the value's unit, without it); undefined without a value. */
export function intervalParts(i: Interval, format: (v: number, scale: number) => string): { value: string; bounds?: string } | undefined {
  const value = i.value;
  if (value === null) return undefined;
  const bare = (v: number | null) => (v === null ? '∞' : format(v, value).replace(/\s*(ms|s|%|×)$/, ''));
  return { value: format(value, value), ...(i.low !== null || i.high !== null ? { bounds: `${bare(i.low)}–${bare(i.high)}` } : {}) };
}

/** `value [low–high]` in text ("850 ms [800–910]"), `-` without a value. */
export function intervalText(i: Interval | undefined, format: (v: number, scale: number) => string): string {
  const parts = i && intervalParts(i, format);
  if (!parts) return '-';
  return parts.bounds ? `${parts.value} [${parts.bounds}]` : parts.value;
}

export const msInterval = (i: Interval) => intervalText(i, formatMs);
export const ratioInterval = (i: Interval | undefined) => intervalText(i, formatRatio);

/** The success rate (1 - the failure rate), with the failure rate's interval turned around. */
export function successRate(failure: Interval): Interval {
  const flip = (v: number | null) => (v === null ? null : 1 - v);
  return { value: flip(failure.value), low: flip(failure.high), high: flip(failure.low) };
}

/** The most frequent failure classes of a cell, most first (ties by name). */
export function topFailureClasses(cell: CellReport, count = 3): Array<[string, number]> {
  return Object.entries(cell.failureClasses)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, count);
}

/** "dns-servfail ×6, tls-reset ×2", `-` for none. */
export function topFailures(cell: CellReport, count = 3): string {
  const top = topFailureClasses(cell, count);
  return top.length ? top.map(([k, v]) => `${k} ×${v}`).join(', ') : '-';
}

/** The cell's label in tables: the mitigation, and the go version when a run compares several. */
export function cellLabel(cell: CellReport, multipleGo: boolean): string {
  return multipleGo ? `${cell.mitigation} (${cell.goVersion})` : cell.mitigation;
}
