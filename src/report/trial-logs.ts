import type { TrialRecord } from '../runner/record.ts';

/** Bounds: a report stays readable whatever the programs logged. */
const MAX_FAILING_TRIALS = 3;
const MAX_LINES = 12;
const MAX_LINE_CHARS = 240;

/**
 * What a cell's real programs (scenario `components`) logged in the trials worth reading: the
 * trial of median time, and the first failing ones (failed, timed out, or the harness's error
 * with its message, e.g. "component nginx died during the trial: <its last lines>").
 */
export interface TrialLog {
  trial: number;
  why: 'median' | 'failing';
  outcome: TrialRecord['outcome'];
  failureClass?: string;
  durationMs: number;
  /** The harness's message, for a harness-error trial. */
  message?: string;
  /** Per component: the last lines it logged during the trial. */
  components: Record<string, string[]>;
}

/** Control characters (terminal colours, NUL) are dropped and long lines cut: the text goes into Markdown and HTML. */
function clean(line: string): string {
  // eslint-disable-next-line no-control-regex
  const text = line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
  return text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}…` : text;
}

function tail(lines: readonly string[]): string[] {
  return lines.slice(-MAX_LINES).map(clean);
}

function logOf(r: TrialRecord, why: TrialLog['why']): TrialLog {
  const components = Object.fromEntries(Object.entries(r.components ?? {}).map(([name, c]) => [name, tail(c.log)]));
  return {
    trial: r.trial,
    why,
    outcome: r.outcome,
    ...(r.failureClass ? { failureClass: r.failureClass } : {}),
    durationMs: r.durationMs,
    ...(r.outcome === 'harness-error' ? { message: tail(r.stderrTail.split(/\n| \| /)).join('\n') } : {}),
    components,
  };
}

/** The cell's median and failing trials, when it ran real programs or the harness failed in it; else undefined. */
export function trialLogsOf(records: readonly TrialRecord[]): TrialLog[] | undefined {
  if (!records.some((r) => r.components || r.outcome === 'harness-error')) return undefined;
  const ok = records.filter((r) => r.outcome === 'ok').sort((a, b) => a.durationMs - b.durationMs);
  const median = ok[Math.floor((ok.length - 1) / 2)];
  const failing = records.filter((r) => r.outcome !== 'ok').slice(0, MAX_FAILING_TRIALS);
  return [...(median ? [logOf(median, 'median')] : []), ...failing.map((r) => logOf(r, 'failing'))];
}
