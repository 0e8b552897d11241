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

/**
 * Progress on stderr: a bar with ETA and live failure counts on a terminal, one plain line per
 * trial otherwise (CI logs).
 */
export class Progress {
  private readonly total: number;
  private readonly bar: cliProgress.SingleBar | undefined;
  private done = 0;
  private failed = 0;
  private timedOut = 0;

  constructor(total: number, alreadyDone = 0, stream: NodeJS.WriteStream = process.stderr) {
    this.total = total;
    this.done = alreadyDone;
    if (stream.isTTY && !process.env['CI']) {
      this.bar = new cliProgress.SingleBar(
        { format: '{bar} {value}/{total} | ETA {eta_formatted} | fail {failed} timeout {timeouts} | {last}', hideCursor: true, clearOnComplete: false, stream },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, alreadyDone, { failed: 0, timeouts: 0, last: '' });
    }
  }

  trial(t: TrialProgress): void {
    this.done++;
    if (t.outcome === 'fail' || t.outcome === 'harness-error') this.failed++;
    if (t.outcome === 'timeout') this.timedOut++;
    const what = t.outcome === 'ok' ? 'ok' : `${t.outcome} (${t.failureClass})`;
    const line = `${t.scenario} ${t.mitigation}${t.goVersion ? ` ${t.goVersion}` : ''} #${t.rep + 1}: ${what} in ${Math.round(t.durationMs)} ms`;
    if (this.bar) this.bar.update(this.done, { failed: this.failed, timeouts: this.timedOut, last: line.slice(0, 60) });
    else process.stderr.write(`[${this.done}/${this.total}] ${line}\n`);
  }

  /** A message that must not be overwritten by the bar. */
  note(line: string): void {
    if (this.bar) {
      this.bar.stop();
      process.stderr.write(`${line}\n`);
      this.bar.start(this.total, this.done, { failed: this.failed, timeouts: this.timedOut, last: '' });
    } else process.stderr.write(`${line}\n`);
  }

  stop(): void {
    this.bar?.stop();
  }
}
