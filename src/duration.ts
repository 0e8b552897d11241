/** A duration in a scenario or on the command line: milliseconds, or '250ms', '5s', '2m'. */
export type Duration = number | `${number}ms` | `${number}s` | `${number}m`;

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000 } as const;

/** Milliseconds for a duration, or undefined when it is not one. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
