import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineReporter, Progress, type RunReporter, type TrialProgress } from '../../src/report/progress.ts';

const trial = (rep: number, outcome: string, failureClass: string | null = null): TrialProgress => ({ scenario: 's', mitigation: 'baseline', goVersion: 'go1.26.8', rep, outcome, failureClass, durationMs: 1234.4 });

describe('run progress as reporter hooks', () => {
  it('passes start, trial results with counts, log lines and the end to every reporter, in order', () => {
    const events: string[] = [];
    const recorder: RunReporter = {
      onRunStart: (c) => events.push(`start ${c.done}/${c.total}`),
      onTrialResult: (t, c) => events.push(`trial ${t.outcome} ${c.done}/${c.total} fail ${c.failed} timeout ${c.timedOut}`),
      onLog: (line) => events.push(`log ${line}`),
      onRunEnd: (c) => events.push(`end ${c.done}/${c.total}`),
    };
    const onlyLogs: RunReporter = { onLog: (line) => events.push(`second ${line}`) };
    const progress = new Progress(4, 1, [recorder, onlyLogs]);
    progress.trial(trial(1, 'ok'));
    progress.note('sandbox ready');
    progress.trial(trial(2, 'fail', 'dns'));
    progress.trial(trial(3, 'timeout', 'timeout'));
    progress.stop();
    expect(events).toEqual([
      'start 1/4',
      'trial ok 2/4 fail 0 timeout 0',
      'log sandbox ready',
      'second sandbox ready',
      'trial fail 3/4 fail 1 timeout 0',
      'trial timeout 4/4 fail 1 timeout 1',
      'end 4/4',
    ]);
  });

  it('writes one plain line per trial when not on a terminal', () => {
    const stream = new PassThrough();
    const progress = new Progress(2, 0, [new LineReporter(stream)]);
    progress.trial(trial(0, 'fail', 'tls'));
    progress.note('interrupted');
    progress.stop();
    expect(stream.read()?.toString()).toBe('[1/2] s baseline go1.26.8 #1: fail (tls) in 1234 ms\ninterrupted\n');
  });
});
