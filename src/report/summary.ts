import type { TrialRecord } from '../runner/record.ts';

export interface MitigationSummary {
  mitigation: string;
  trials: number;
  ok: number;
  fail: number;
  timeout: number;
  harnessError: number;
  /** Median go time of successful trials, ms (timeouts are censored, never averaged in). */
  medianMs: number | null;
  minMs: number | null;
  maxMs: number | null;
  h1Requests: number;
  h2Requests: number;
  connectionsPerTrial: number;
  dnsQueriesPerTrial: number;
  failureClasses: Record<string, number>;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One row per cell: mitigation (and go version, when the run has several). */
export function summarize(records: readonly TrialRecord[], byGoVersion = false): MitigationSummary[] {
  const byMitigation = new Map<string, TrialRecord[]>();
  for (const r of records) {
    const key = byGoVersion ? `${r.mitigation} ${r.goVersion}` : r.mitigation;
    byMitigation.set(key, [...(byMitigation.get(key) ?? []), r]);
  }
  return [...byMitigation.entries()].map(([mitigation, rs]) => {
    const okTimes = rs.filter((r) => r.outcome === 'ok').map((r) => r.durationMs);
    const failureClasses: Record<string, number> = {};
    for (const r of rs) if (r.failureClass) failureClasses[r.failureClass] = (failureClasses[r.failureClass] ?? 0) + 1;
    return {
      mitigation,
      trials: rs.length,
      ok: rs.filter((r) => r.outcome === 'ok').length,
      fail: rs.filter((r) => r.outcome === 'fail').length,
      timeout: rs.filter((r) => r.outcome === 'timeout').length,
      harnessError: rs.filter((r) => r.outcome === 'harness-error').length,
      medianMs: median(okTimes),
      minMs: okTimes.length ? Math.min(...okTimes) : null,
      maxMs: okTimes.length ? Math.max(...okTimes) : null,
      h1Requests: rs.reduce((s, r) => s + r.http.h1, 0),
      h2Requests: rs.reduce((s, r) => s + r.http.h2, 0),
      connectionsPerTrial: rs.reduce((s, r) => s + r.tcp.connections, 0) / rs.length,
      dnsQueriesPerTrial: rs.reduce((s, r) => s + r.dns.queries, 0) / rs.length,
      failureClasses,
    };
  });
}

const ms = (v: number | null) => (v === null ? '-' : `${Math.round(v)} ms`);

/** A Markdown table, readable pasted into an issue or an incident review. */
export function summaryMarkdown(title: string, rows: readonly MitigationSummary[]): string {
  const lines = [
    `## ${title}`,
    '',
    '| mitigation | ok / trials | timeouts | median | min | max | h2 req | h1 req | conns/trial | DNS q/trial | failure classes |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const classes = Object.entries(r.failureClasses).map(([k, v]) => `${k} ×${v}`).join(', ') || '-';
    lines.push(`| ${r.mitigation} | ${r.ok} / ${r.trials} | ${r.timeout} | ${ms(r.medianMs)} | ${ms(r.minMs)} | ${ms(r.maxMs)} | ${r.h2Requests} | ${r.h1Requests} | ${r.connectionsPerTrial.toFixed(1)} | ${r.dnsQueriesPerTrial.toFixed(1)} | ${classes} |`);
  }
  return lines.join('\n') + '\n';
}
