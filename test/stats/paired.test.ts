import { describe, expect, it } from 'vitest';
import { hodgesLehmann, signedRankCounts, smallestSignedRankP, wilcoxonSignedRank } from '../../src/stats/paired.ts';

/*
 * Reference values computed with scipy 1.10.1 (Debian bookworm python3-scipy):
 *   scipy.stats.wilcoxon(d, method='exact')   (no ties, no zeros)
 *   scipy.stats.wilcoxon(d, method='approx')  (zeros dropped, tie correction, no continuity correction)
 * scipy's statistic is min(T+, T-). The Hodges-Lehmann interval has no scipy function; it is
 * checked by its definition (Hollander & Wolfe 3.3): the order statistics W_(c), W_(M+1-c) of the
 * Walsh averages, and as the inversion of the exact test, whose null distribution is checked
 * against a brute-force enumeration of the 2^n sign patterns.
 */
const A = [0.12, -0.05, 0.31, 0.08, 0.22, -0.11, 0.17, 0.04, 0.26, 0.09];
const B = [1.5, -0.7, 2.2, 0.3, -1.1, 0.9, 1.8, -0.4];
const C = [0.2, 0.2, -0.1, 0.4, 0.3, 0.3, 0.3, -0.2, 0.5, 0.1, 0.0, 0.6];

const scipyStatistic = (r: { n: number; wPlus: number }) => Math.min(r.wPlus, (r.n * (r.n + 1)) / 2 - r.wPlus);

describe('paired statistics against scipy reference values', () => {
  it('Wilcoxon signed-rank, exact (no ties, no zeros)', () => {
    const a = wilcoxonSignedRank(A)!;
    expect([a.exact, scipyStatistic(a)]).toEqual([true, 7]);
    expect(a.p).toBeCloseTo(0.037109375, 12);
    const b = wilcoxonSignedRank(B)!;
    expect(scipyStatistic(b)).toBe(10);
    expect(b.p).toBeCloseTo(0.3125, 12);
    expect(wilcoxonSignedRank([1, 2, 3, 4, 5, 6])!.p).toBeCloseTo(0.03125, 12);
    expect(wilcoxonSignedRank([1, 2, 3, 4, 5])!.p).toBeCloseTo(0.0625, 12);
  });

  it('Wilcoxon signed-rank, normal approximation with zeros and ties', () => {
    const c = wilcoxonSignedRank(C)!;
    expect([c.exact, c.n, scipyStatistic(c)]).toEqual([false, 11, 5.5]);
    expect(c.p).toBeCloseTo(0.014049568151099704, 7); // normalCdf is an approximation (|error| < 1e-8)
    expect(wilcoxonSignedRank([0, 0])).toBeNull();
  });

  it('the exact null distribution matches a brute-force enumeration of the sign patterns', () => {
    const n = 9;
    const brute = new Array<number>((n * (n + 1)) / 2 + 1).fill(0);
    for (let mask = 0; mask < 2 ** n; mask++) {
      let t = 0;
      for (let r = 1; r <= n; r++) if (mask & (1 << (r - 1))) t += r;
      brute[t]!++;
    }
    expect(signedRankCounts(n)).toEqual(brute);
    expect(smallestSignedRankP(5)).toBeCloseTo(0.0625, 12);
    expect(smallestSignedRankP(6)).toBeCloseTo(0.03125, 12);
  });

  it('Hodges-Lehmann estimate and interval: Walsh averages, and the inversion of the exact test', () => {
    expect(hodgesLehmann([1, 2, 4]).estimate).toBeCloseTo(2.25, 12);
    const walsh: number[] = [];
    for (let i = 0; i < A.length; i++) for (let j = i; j < A.length; j++) walsh.push((A[i]! + A[j]!) / 2);
    walsh.sort((x, y) => x - y);
    // n = 10, M = 55: P(T+ <= 8) = 25/1024 <= 0.025 < P(T+ <= 9) = 33/1024, so c = 9: [W_(9), W_(47)]
    const hl = hodgesLehmann(A);
    expect(hl.low).toBeCloseTo(walsh[8]!, 12);
    expect(hl.high).toBeCloseTo(walsh[46]!, 12);
    expect(hl.estimate).toBeCloseTo((walsh[27]! + walsh[27]!) / 2, 12);
    // the interval is the set of shifts the exact two-sided test at 0.05 does not reject
    const pAt = (shift: number) => wilcoxonSignedRank(A.map((v) => v - shift))!.p;
    const eps = 1e-6;
    expect(pAt(hl.low! - eps)).toBeLessThan(0.05);
    expect(pAt(hl.low! + eps)).toBeGreaterThanOrEqual(0.05);
    expect(pAt(hl.high! + eps)).toBeLessThan(0.05);
    expect(pAt(hl.high! - eps)).toBeGreaterThanOrEqual(0.05);
    // 5 pairs are too few for a 95 % interval
    expect(hodgesLehmann([1, 2, 3, 4, 5])).toMatchObject({ low: null, high: null });
  });

  it('censored sides: +Infinity ranks above every finite difference, and leaves the interval bound open', () => {
    const d = [0.1, 0.2, 0.3, 0.15, 0.25, Infinity, 0.05, 0.12];
    expect(wilcoxonSignedRank(d)!.p).toBeCloseTo(wilcoxonSignedRank([0.1, 0.2, 0.3, 0.15, 0.25, 9, 0.05, 0.12])!.p, 12);
    expect(hodgesLehmann(d).high).toBeNull();
    expect(hodgesLehmann(d).low).not.toBeNull();
  });
});
