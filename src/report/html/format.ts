/** A time in ms for the page: ms below a second, then s with two and one decimals. */
export function fmtMs(v: number): string {
  return v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`;
}
