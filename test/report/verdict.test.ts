import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/report/build.ts';
import type { CellReport } from '../../src/report/model.ts';
import { compareCells } from '../../src/report/verdict.ts';
import { neededPerSide, smallestP } from '../../src/stats/power.ts';
import { wilson } from '../../src/stats/tests.ts';

function cell(times: number[], failed = 0): CellReport {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted.length ? sorted[Math.floor(sorted.length / 2)]! : null;
  return {
    mitigation: 'baseline', goVersion: 'go1.26.8', n: times.length + failed, ok: times.length, fail: failed, timeout: 0, harnessError: 0,
    failureRate: wilson(failed, times.length + failed),
    time: { median: { value: median, low: null, high: null }, p90: null, p95: null, min: null, max: null, censored: 0 },
    vsBaseline: null,
    seen: { dnsQueries: 0, connections: 0, tlsHandshakes: 0, h1Requests: 0, h2Requests: 0, h2Share: null, proxyConnects: 0, mitigationSetupMs: null },
    failureClasses: {}, durationsMs: times,
  };
}

const judge = (c: CellReport, b: CellReport, driftBound: number | null = null) => {
  compareCells([{ cell: c, base: b }], DEFAULT_SETTINGS, undefined, { driftBound });
  return c.vsBaseline!;
};
const spread = (centre: number, n: number, step = 0.02) => Array.from({ length: n }, (_, i) => centre * (1 + (i - (n - 1) / 2) * step));

describe('power-aware verdicts', () => {
  it('the smallest p of n vs n is 2 / C(2n, n): 3 vs 3 cannot reach 0.05, 4 vs 4 can', () => {
    expect(smallestP(3, 3)).toBeCloseTo(0.1, 10);
    expect(smallestP(4, 4)).toBeCloseTo(2 / 70, 10);
    expect(smallestP(5, 5)).toBeCloseTo(2 / 252, 10);
    expect(smallestP(0, 5)).toBe(1);
    expect(neededPerSide(0.05)).toBe(4);
    expect(neededPerSide(0.05, 6)).toBe(5); // Holm over 6: 6 * 2/252 = 0.048
  });

  it('a 5x slowdown with 3 vs 3 trials is inconclusive, and says why', () => {
    const v = judge(cell(spread(1000, 3)), cell(spread(200, 3)));
    expect(v.verdict).toBe('inconclusive');
    expect(v.timeReason).toBe('3 vs 3 timed trials: the smallest possible p is 0.10; need >= 4 per side');
  });

  it('the same slowdown with 5 vs 5 is worse, with p and the interval in the reason', () => {
    const v = judge(cell(spread(1000, 5)), cell(spread(200, 5)));
    expect(v).toMatchObject({ verdict: 'worse', timeVerdict: 'worse', failureVerdict: 'no-difference' });
    expect(v.timeReason).toMatch(/^slower: Mann-Whitney p 0\.01\d, ratio 5\.\d+× \[[\d.]+×–[\d.]+×\] lies above the minimum effect ±5%$/);
  });

  it('equal samples that could have differed: no difference shown', () => {
    const v = judge(cell(spread(200, 8)), cell(spread(200, 8)));
    expect(v.verdict).toBe('no-difference');
    expect(v.timeReason).toMatch(/^Mann-Whitney p 1\.0 >= 0\.05; ratio 1\.00× /);
  });

  it('a significant shift whose interval spans the minimum effect is inconclusive', () => {
    const v = judge(cell(spread(210, 20, 0.01)), cell(spread(200, 20, 0.01)));
    expect(v.mannWhitneyPAdjusted!).toBeLessThan(0.05);
    expect(v.verdict).toBe('inconclusive');
    expect(v.timeReason).toMatch(/spans the minimum effect ±5%/);
  });

  it('between separate runs a 20 % shift is within the drift bound: inconclusive, not a regression', () => {
    const v = judge(cell(spread(240, 20, 0.005)), cell(spread(200, 20, 0.005)), 0.35);
    expect(v.verdict).toBe('inconclusive');
    expect(v.timeReason).toMatch(/between-run drift bound ±35%/);
    expect(judge(cell(spread(240, 20, 0.005)), cell(spread(200, 20, 0.005)), null).verdict).toBe('worse');
    expect(judge(cell(spread(600, 20, 0.005)), cell(spread(200, 20, 0.005)), 0.35).verdict).toBe('worse');
  });

  it('failure rate: 0/3 vs 3/3 cannot reach alpha; 0/8 vs 8/8 is worse, and says so', () => {
    const small = judge(cell([], 3), cell(spread(200, 3)));
    expect(small.failureVerdict).toBe('inconclusive');
    expect(small.failureReason).toMatch(/^3\/3 vs 0\/3 failed; 3 vs 3 trials: the smallest possible p is 0\.10/);
    expect(small.verdict).toBe('inconclusive'); // time cannot be measured: failures decide
    const big = judge(cell([], 8), cell(spread(200, 8)));
    expect(big).toMatchObject({ failureVerdict: 'worse', verdict: 'worse' });
    expect(big.failureReason).toBe('8/8 vs 0/8 failed (100% [67.6%–100%] vs 0% [0%–32.4%]), Fisher p 1.6e-4, beyond the minimum effect ±5%'); // Wilson intervals
  });
});

describe('paired verdicts of a run made with --against', () => {
  const inOrder = (times: number[]) => ({ ...cell(times), timesInOrderMs: times });
  const judgePaired = (c: CellReport, b: CellReport) => {
    compareCells([{ cell: c, base: b }], DEFAULT_SETTINGS, undefined, { driftBound: null, paired: true });
    return c.vsBaseline!;
  };
  // the machine drifts from 100 to 400 ms over the run; each candidate trial is ~15 % slower than the base trial next to it
  const drift = (n: number) => Array.from({ length: n }, (_, k) => 100 + (300 * k) / (n - 1));
  const wobble = (k: number) => 1 + 0.03 * Math.sin(k * 2.3);

  it('a 15 % slowdown under a slow drift: the two-sample test cannot see it, the paired test can', () => {
    const base = drift(20);
    const cand = base.map((v, k) => v * 1.15 * wobble(k));
    expect(judge(cell(cand), cell(base)).timeVerdict).not.toBe('worse');
    const v = judgePaired(inOrder(cand), inOrder(base));
    expect(v).toMatchObject({ timeVerdict: 'worse', timeTest: 'paired-wilcoxon', pairs: 20 });
    expect(v.ratio.value!).toBeGreaterThan(1.1);
    expect(v.ratio.low!).toBeGreaterThan(1.05);
    expect(v.timeReason).toMatch(/^slower: Wilcoxon signed-rank \(20 pairs\) p [\d.e-]+, paired ratio 1\.1\d× \[/);
  });

  it('no change under the same drift: no difference shown', () => {
    const base = drift(20);
    const cand = base.map((v, k) => v * wobble(k + 7));
    const v = judgePaired(inOrder(cand), inOrder(base));
    expect(v.timeVerdict).not.toBe('worse');
    expect(v.ratio.low!).toBeLessThan(1);
    expect(v.ratio.high!).toBeGreaterThan(1);
  });

  it('5 pairs cannot reach alpha with the signed-rank test (smallest p 2/32): the two-sample test decides', () => {
    const v = judgePaired(inOrder(spread(1000, 5)), inOrder(spread(200, 5)));
    expect(v).toMatchObject({ timeTest: 'mann-whitney', timeVerdict: 'worse' });
    expect(v.pairs).toBeUndefined();
  });
});
