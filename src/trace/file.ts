import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { trialTraceSchema, type SpanSet, type TrialTrace } from './schema.ts';

/** trace.jsonl: beside results.jsonl, one line per trial with its spans. */
export const TRACE_FILE = 'trace.jsonl';

/** What of a record keys and describes its trace line. */
type RecordIdentity = Pick<TrialTrace, 'scenario' | 'trial' | 'mitigation' | 'goVersion' | 'rep' | 'phase' | 'outcome' | 'failureClass' | 'durationMs'>;

export function traceLine(record: RecordIdentity, spans: SpanSet): TrialTrace {
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

/** The traces of a run folder (lines that do not parse are skipped: a torn last line after a crash). */
export function readTraces(outDir: string): TrialTrace[] {
  let text: string;
  try {
    text = readFileSync(join(outDir, TRACE_FILE), 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').flatMap((line) => {
    if (!line.trim()) return [];
    try {
      const parsed = trialTraceSchema.safeParse(JSON.parse(line));
      return parsed.success ? [parsed.data] : [];
    } catch {
      return [];
    }
  });
}
