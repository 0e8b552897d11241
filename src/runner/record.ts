import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { z } from 'zod';
import type { Backend } from '../sandbox/backend.ts';
import type { Observations } from './observations.ts';
import { TraceWriter } from '../trace/file.ts';
import type { SpanSet } from '../trace/schema.ts';

export const RECORD_SCHEMA = 1;

/** How the run's CPU admission (runner/admission.ts) let a trial start: in records of runs with more than one lane. */
const admissionSchema = z.object({
  /** Predicted CPU-bound: the trial ran holding the run's CPU token (no other such trial beside it). */
  cpu: z.boolean(),
  /** What the prediction came from: the scenario's kind, the cell's first trial (CPU-bound by default), the cell's trials so far. */
  basis: z.enum(['scenario', 'first', 'history']),
  /** Time the trial waited for admission before it started (never part of its measured times). */
  waitedMs: z.number(),
  /** It let the token go while it ran on (a waiting scenario's trial past the hold cap). */
  capped: z.boolean().optional(),
});
export type Admission = z.infer<typeof admissionSchema>;

export type Outcome = 'ok' | 'fail' | 'timeout' | 'harness-error';

/** One trial: a JSON line of results.jsonl, written and flushed the moment the trial ends. */
export interface TrialRecord extends Omit<Observations, 'sumdb'> {
  /** Checksum database requests; absent in records written before the harness served one (same schema). */
  sumdb?: Observations['sumdb'];
  schema: typeof RECORD_SCHEMA;
  scenario: string;
  mitigation: string;
  rep: number;
  /** Position of this trial in the run's (shuffled) order. */
  trial: number;
  backend: Backend;
  goVersion: string;
  /** The lane (1..--parallel) whose sandbox ran the trial; absent in records of before lanes. */
  lane?: number;
  /** The scenario's phase (cold, warm...), for scenarios with `phases`. */
  phase?: string;
  /** The run's CPU admission of this trial; absent at one lane (nothing to wait for) and in records of before it. */
  admission?: Admission;
  /** CPU time (ms) of go's processes and of the sandbox's own process during the trial; absent in records of before it. */
  cpuMs?: number;
  outcome: Outcome;
  failureClass: string | null;
  /** Time of the go process itself. */
  durationMs: number;
  /** Time the mitigation's own per-trial work took before go started (DNS warm-up, RTT probe...). */
  mitigationSetupMs: number;
  /** Runs of go in this trial (more than one under the retry wrapper). */
  attempts: number;
  /** Time of the whole trial including the harness's own work (setup, reset, logs, cleanup). */
  wallMs: number;
  exitCode: number | null;
  /** Modules `go mod download -json` reported without an error. */
  modules: number;
  /** Body bytes the origin sent during the trial. */
  bytes: number;
  stderrTail: string;
  /** What the client ran ('download', 'build', 'test', 'script'); absent in records of before workloads (= download). */
  workload?: string;
  /** Each command the workload ran, in order (the first failing one ends a named workload). */
  commands?: Array<{ command: string; exitCode: number | null; durationMs: number }>;
  startedAt: string;
  seed: number;
}

/** A record as a trial hands it on: with its spans, which go to trace.jsonl, not results.jsonl. */
export type TracedRecord = TrialRecord & { trace?: SpanSet };

/**
 * Appends records to results.jsonl, one flushed line each: a crash loses at most the trials in
 * flight. The file is opened at the first record (a run that measured nothing leaves none). A
 * record's trace goes to trace.jsonl beside it, keyed by the record's scenario and trial.
 */
export class ResultsWriter {
  private readonly path: string;
  private fd: number | undefined;
  private readonly traces: TraceWriter;

  constructor(path: string) {
    this.path = path;
    this.traces = new TraceWriter(path);
  }

  append(traced: TracedRecord): void {
    const { trace, ...record } = traced;
    this.fd ??= openSync(this.path, 'a');
    writeSync(this.fd, JSON.stringify(record) + '\n');
    fsyncSync(this.fd);
    if (trace) this.traces.append(record, trace);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.traces.close();
  }
}
