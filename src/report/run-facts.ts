/**
 * Facts about a run for every report: whether it is partial (fewer trials than planned: an
 * interrupted or still-running run, or a shard), and the run.json panel as readable fields.
 */
interface RunScenario {
  reps?: number;
  mitigations?: unknown[];
}

/** Trials the run planned, from run.json (null when it does not say). */
export function plannedTrials(run: Record<string, unknown>): number | null {
  const scenarios = run['scenarios'] as RunScenario[] | undefined;
  const go = (run['identity'] as { goVersions?: unknown[] } | undefined)?.goVersions?.length ?? (run['go'] as unknown[] | undefined)?.length;
  if (!Array.isArray(scenarios) || scenarios.length === 0 || !go) return null;
  let total = 0;
  for (const s of scenarios) {
    if (typeof s.reps !== 'number' || !Array.isArray(s.mitigations)) return null;
    total += s.reps * s.mitigations.length * go;
  }
  const shard = run['shard'] as { index: number; count: number } | null | undefined;
  // a shard takes every count-th trial, starting at index-1
  return shard ? Math.ceil((total - (shard.index - 1)) / shard.count) : total;
}

/** The partial-run notice, or null when every planned trial is in. */
export function partialNotice(run: Record<string, unknown>, trials: number): string | null {
  const planned = plannedTrials(run);
  if (planned === null || trials >= planned) return null;
  const stopped = typeof run['stoppedBy'] === 'string' ? ` Stopped by: ${run['stoppedBy']}` : '';
  return `Partial run: ${trials} of ${planned} planned trials (interrupted, stopped, or still running): verdicts are on what was measured; continue with \`run ... --out <dir> --resume\`.${stopped}`;
}

/** A run.json value as "key: value" lines, never raw JSON. */
export function fieldLines(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((v) => (typeof v === 'object' && v !== null ? [Object.entries(v).map(([k, x]) => `${k}: ${scalar(x)}`).join(', ')] : [scalar(v)]));
  if (typeof value === 'object') return Object.entries(value).map(([k, x]) => `${k}: ${Array.isArray(x) ? x.map((i) => (typeof i === 'object' && i !== null ? (i as { name?: string }).name ?? scalar(i) : scalar(i))).join(', ') : scalar(x)}`);
  return [scalar(value)];
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k} ${typeof x === 'object' ? JSON.stringify(x) : String(x)}`).join(', ');
  return String(v);
}
