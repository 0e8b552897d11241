import { describe, expect, it } from 'vitest';
import { benchGate, formatGateBench } from '../../bench/gate-lib.ts';

// A small version of `npm run bench:gate` (real runs, bounded): two separate A/A runs, one A/A
// run --against itself, and a planted DNS delay as large as the clean trial itself.
describe('bench:gate, small', () => {
  it('an unchanged scenario is no regression; a planted 150 ms DNS delay is caught by run --against + compare', { timeout: 90_000 }, async () => {
    const started = performance.now();
    const opts = { aaRuns: 2, reps: 6, plantedDelayMs: 150, tries: 1, smallerDelaysMs: [], smallTries: 0, aaWithinTries: 1, corpusModules: 6 };
    const result = await benchGate(opts);
    process.stderr.write(formatGateBench(opts, result));
    expect(result.aaPairs).toBe(1);
    expect(result.aaFalseAlarms).toBe(0);
    expect(result.aaWithinFalseAlarms).toBe(0);
    expect(result.caught[150]).toMatchObject({ tries: 1, caught: 1 });
    expect(result.smallestCaughtMs).toBe(150);
    expect(result.runMedianMaxOverMin).toBeGreaterThanOrEqual(1);
    expect(performance.now() - started).toBeLessThan(60_000);
  });
});
