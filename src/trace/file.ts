import { closeSync, fsyncSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { trialTraceSchema, type SpanSet, type TrialTrace } from './schema.ts';

/** trace.jsonl: beside results.jsonl, one line per trial with its spans. */
export const TRACE_FILE = 'trace.jsonl';

/** What of a record keys and describes its trace line. */
type RecordIdentity = Pick<TrialTrace, 'scenario' | 'trial' | 'mitigation' | 'goVersion' | 'rep' | 'phase' | 'outcome' | 'failureClass' | 'durationMs'>;

function traceLine(record: RecordIdentity, spans: SpanSet): TrialTrace {
  const { scenario, trial, mitigation, goVersion, rep, phase, outcome, failureClass, durationMs } = record;
  return { scenario, trial, mitigation, goVersion, rep, ...(phase ? { phase } : {}), outcome, failureClass, durationMs, ...spans };
}

/** Appends trace lines to the trace.jsonl beside `resultsFile`, one flushed line per trial. */
export class TraceWriter {
  private fd: number | undefined;
  private readonly resultsFile: string;

  constructor(resultsFile: string) {
    this.resultsFile = resultsFile;
  }

  append(record: RecordIdentity, spans: SpanSet): void {
    this.fd ??= openSync(join(dirname(this.resultsFile), TRACE_FILE), 'a');
    writeSync(this.fd, JSON.stringify(traceLine(record, spans)) + '\n');
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Writes a run folder's trace.jsonl at once (merge: the shards' traces, one line per trial kept). */
export function writeTraces(outDir: string, traces: readonly TrialTrace[]): void {
  if (traces.length) writeFileSync(join(outDir, TRACE_FILE), traces.map((t) => JSON.stringify(t)).join('\n') + '\n');
}

/**
 * The traces of a run folder. Lines that do not parse (a torn last line after a crash, a line of
 * another version) are skipped and named in `problems`.
 */
export function readTraces(outDir: string): { traces: TrialTrace[]; problems: string[] } {
  const path = join(outDir, TRACE_FILE);
  const problems: string[] = [];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { traces: [], problems };
  }
  const traces = text.split('\n').flatMap((line, index) => {
    if (!line.trim()) return [];
    let parsed: ReturnType<typeof trialTraceSchema.safeParse>;
    try {
      parsed = trialTraceSchema.safeParse(JSON.parse(line));
    } catch {
      problems.push(`${path}:${index + 1}: not a complete JSON line; skipped`);
      return [];
    }
    if (!parsed.success) problems.push(`${path}:${index + 1}: not a trace this version reads (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}); skipped`);
    return parsed.success ? [parsed.data] : [];
  });
  return { traces, problems };
}
