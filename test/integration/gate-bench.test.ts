import { describe, expect, it } from 'vitest';
import { benchGate, formatGateBench } from '../../bench/gate-lib.ts';
import { detectableRatio, pairsNeeded } from '../../bench/gate-power.ts';

// A small version of `npm run bench:gate` (real runs, bounded): two separate A/A runs and a
// planted 1 s DNS delay, larger than the noise of a busy 2-core machine (clean trials there range
// 70-600 ms): this checks the plumbing of run --against + the paired compare, not the sensitivity
// (that is `npm run bench:gate`).
describe('bench:gate, small', () => {
  it('an unchanged scenario is no regression; a planted 1 s DNS delay is caught by run --against + compare', { timeout: 120_000 }, async () => {
    const started = performance.now();
    const opts = { aaRuns: 2, reps: 6, plantedDelayMs: 1000, tries: 1, otherDelaysMs: [], smallTries: 0, aaWithinTries: 0, corpusModules: 1 };
    const result = await benchGate(opts);
    process.stderr.write(formatGateBench(opts, result));
    expect(result.aaPairs).toBe(1);
    // separate runs: a regression only when the runs' medians differ by more than the drift bound (±35 %)
    if (result.aaFalseAlarms > 0) expect(result.runMedianMaxOverMin).toBeGreaterThan(1.35);
    // 6 pairs: the paired signed-rank test can reach alpha (smallest p 2/64), so it is the one that judged
    expect(result.caught[1000]).toMatchObject({ tries: 1, caught: 1, faultIdleTrials: 0 });
    expect(result.caught[1000]!.details[0]).toMatch(/^regression: paired-wilcoxon p /);
    expect(result.smallestCaughtMs).toBe(1000);
    expect(result.runMedianMaxOverMin).toBeGreaterThanOrEqual(1);
    expect(performance.now() - started).toBeLessThan(60_000);
  });

  it('the power estimate: the slowdown n pairs catch and the pairs a slowdown needs are inverse', () => {
    // (1.96 + 1.28) * 0.5 / sqrt(0.955 * 20) = 0.371 above log(1.05): 1.52x
    expect(detectableRatio(0.5, 20)).toBeCloseTo(1.52, 2);
    expect([20, 21]).toContain(pairsNeeded(0.5, detectableRatio(0.5, 20))); // a ceiling of 20 +- rounding
    expect(pairsNeeded(0.5, 1.04)).toBeNull();
    expect(detectableRatio(0.25, 20)).toBeLessThan(detectableRatio(0.5, 20));
  });
});
