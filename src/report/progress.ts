import cliProgress from 'cli-progress';

export interface TrialProgress {
  scenario: string;
  mitigation: string;
  goVersion: string;
  rep: number;
  outcome: string;
  failureClass: string | null;
  durationMs: number;
}

/** Where the run stands: trials done of the planned total, and how many failed or timed out. */
export interface RunCounts {
  done: number;
  total: number;
  failed: number;
  timedOut: number;
}

/**
 * A subscriber to a run's events, the way vitest's `Reporter` is one to a test run's: every hook
 * is optional, and the run calls them in order (start, trial results and log lines, end).
 */
export interface RunReporter {
  onRunStart?(counts: Readonly<RunCounts>): void;
  onTrialResult?(trial: TrialProgress, counts: Readonly<RunCounts>): void;
  /** A line the reporter must show whole (sandbox ready, interrupts, image builds). */
  onLog?(line: string): void;
  onRunEnd?(counts: Readonly<RunCounts>): void;
}

/** One line about a finished trial: `scenario mitigation go #rep: outcome in N ms`. */
function trialLine(t: TrialProgress): string {
  const what = t.outcome === 'ok' ? 'ok' : `${t.outcome} (${t.failureClass})`;
  return `${t.scenario} ${t.mitigation}${t.goVersion ? ` ${t.goVersion}` : ''} #${t.rep + 1}: ${what} in ${Math.round(t.durationMs)} ms`;
}

/** On a terminal: a bar with ETA and live failure counts, redrawn below each log line. */
class BarReporter implements RunReporter {
  private readonly stream: NodeJS.WriteStream;
  private readonly bar: cliProgress.SingleBar;
  private counts: Readonly<RunCounts> = { done: 0, total: 0, failed: 0, timedOut: 0 };

  constructor(stream: NodeJS.WriteStream) {
    this.stream = stream;
    this.bar = new cliProgress.SingleBar(
      { format: '{bar} {value}/{total} | ETA {eta_formatted} | fail {failed} timeout {timeouts} | {last}', hideCursor: true, clearOnComplete: false, stream },
      cliProgress.Presets.shades_classic,
    );
  }

  onRunStart(counts: Readonly<RunCounts>): void {
    this.counts = counts;
    this.bar.start(counts.total, counts.done, { failed: counts.failed, timeouts: counts.timedOut, last: '' });
  }

  onTrialResult(trial: TrialProgress, counts: Readonly<RunCounts>): void {
    this.counts = counts;
    this.bar.update(counts.done, { failed: counts.failed, timeouts: counts.timedOut, last: trialLine(trial).slice(0, 60) });
  }

  onLog(line: string): void {
    this.bar.stop();
    this.stream.write(`${line}\n`);
    this.bar.start(this.counts.total, this.counts.done, { failed: this.counts.failed, timeouts: this.counts.timedOut, last: '' });
  }

  onRunEnd(): void {
    this.bar.stop();
  }
}

/** Not a terminal (CI logs): one plain line per trial and per log line. */
export class LineReporter implements RunReporter {
  private readonly stream: NodeJS.WritableStream;

  constructor(stream: NodeJS.WritableStream) {
    this.stream = stream;
  }

  onTrialResult(trial: TrialProgress, counts: Readonly<RunCounts>): void {
    this.stream.write(`[${counts.done}/${counts.total}] ${trialLine(trial)}\n`);
  }

  onLog(line: string): void {
    this.stream.write(`${line}\n`);
  }
}

/** The bar on a terminal (unless CI is set), plain lines otherwise; both on stderr. */
function defaultReporters(stream: NodeJS.WriteStream = process.stderr): RunReporter[] {
  return [stream.isTTY && !process.env['CI'] ? new BarReporter(stream) : new LineReporter(stream)];
}

/** The run's side of the reporters: counts the trials and passes each event to every reporter. */
export class Progress {
  private readonly counts: RunCounts;
  private readonly reporters: readonly RunReporter[];

  constructor(total: number, alreadyDone = 0, reporters: readonly RunReporter[] = defaultReporters()) {
    this.counts = { done: alreadyDone, total, failed: 0, timedOut: 0 };
    this.reporters = reporters;
    for (const r of reporters) r.onRunStart?.({ ...this.counts });
  }

  trial(t: TrialProgress): void {
    this.counts.done++;
    if (t.outcome === 'fail' || t.outcome === 'harness-error') this.counts.failed++;
    if (t.outcome === 'timeout') this.counts.timedOut++;
    for (const r of this.reporters) r.onTrialResult?.(t, { ...this.counts });
  }

  /** A message that must not be overwritten by a bar. */
  note(line: string): void {
    for (const r of this.reporters) r.onLog?.(line);
  }

  stop(): void {
    for (const r of this.reporters) r.onRunEnd?.({ ...this.counts });
  }
}
