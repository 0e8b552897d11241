import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/random.ts';
import { bootstrapMedianRatio, fisherExact, holm, mannWhitney, medianInterval, quantile, wilson } from '../../src/stats/tests.ts';

/*
 * Reference values computed with scipy 1.10.1 and statsmodels 0.13.5 (Debian bookworm packages
 * python3-scipy, python3-statsmodels):
 *   scipy.stats.mannwhitneyu(a, b, method='asymptotic', alternative='two-sided')
 *   scipy.stats.fisher_exact(table)                          (two-sided)
 *   statsmodels.stats.proportion.proportion_confint(k, n, alpha=0.05, method='wilson')
 *   statsmodels.stats.multitest.multipletests(p, method='holm')
 *   numpy.quantile(x, q)                                     (linear, type 7)
 *   ranks of the median interval: max l with scipy.stats.binom.cdf(l - 1, n, 0.5) <= 0.025
 */
describe('statistics against scipy / statsmodels reference values', () => {
  it('Mann-Whitney U, asymptotic with tie and continuity corrections', () => {
    const r1 = mannWhitney([19, 22, 16, 29, 24], [20, 11, 17, 12])!;
    expect(r1.u).toBe(17);
    expect(r1.p).toBeCloseTo(0.11134688653314041, 6);
    const r2 = mannWhitney([110.2, 118.5, 121.0, 121.0, 130.4, 99.8, 140.1, 125.5, 119.9, 121.0], [140.2, 150.5, 121.0, 160.3, 155.1, 149.9, 170.0, 121.0, 158.8, 161.2, 165.0])!;
    expect(r2.u).toBe(9);
    expect(r2.p).toBeCloseTo(0.0012596226482980628, 6);
    expect(mannWhitney([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3, 4, 5, 6, 7, 8])!.p).toBe(1);
  });

  it('Fisher exact, two-sided', () => {
    expect(fisherExact(6, 2, 1, 4)).toBeCloseTo(0.10256410256410256, 10);
    expect(fisherExact(8, 2, 1, 5)).toBeCloseTo(0.034965034965034975, 10);
    expect(fisherExact(0, 10, 10, 0)).toBeCloseTo(1.082508822446903e-5, 12);
    expect(fisherExact(3, 17, 9, 11)).toBeCloseTo(0.08235877701951116, 10);
    expect(fisherExact(20, 0, 19, 1)).toBeCloseTo(1, 10);
  });

  it('Wilson score interval', () => {
    const cases: Array<[number, number, number, number]> = [
      [3, 20, 0.052368745896216595, 0.36041886474075696],
      [0, 10, 0, 0.27753279986288926],
      [10, 10, 0.7224672001371106, 1],
      [17, 40, 0.28509392559950375, 0.5780493145800893],
      [1, 3, 0.06149194472039626, 0.7923403991979523],
    ];
    for (const [k, n, low, high] of cases) {
      const w = wilson(k, n);
      expect(w.low).toBeCloseTo(low, 6);
      expect(w.high).toBeCloseTo(high, 6);
    }
  });

  it('Holm adjustment', () => {
    const adjusted = holm([0.01, 0.04, 0.03, 0.005, 0.5]);
    [0.04, 0.09, 0.09, 0.025, 0.5].forEach((v, i) => expect(adjusted[i]).toBeCloseTo(v, 12));
  });

  it('quantiles (type 7) and the order-statistic interval of the median', () => {
    const x = [3, 6, 7, 8, 8, 9, 10, 13, 15, 16, 20];
    expect([quantile(x, 0.5), quantile(x, 0.9), quantile(x, 0.95)]).toEqual([9, 16, 18]);
    const values = Array.from({ length: 20 }, (_, i) => i + 1);
    // n = 20: ranks 6 and 15
    expect(medianInterval(values)).toEqual({ median: 10.5, low: 6, high: 15 });
    expect(medianInterval([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toMatchObject({ low: 2, high: 9 });
    expect(medianInterval([1, 2, 3, 4, 5, 6])).toMatchObject({ low: 1, high: 6 });
    // n = 5 is too few for a 95 % interval
    expect(medianInterval([1, 2, 3, 4, 5])).toEqual({ median: 3, low: null, high: null });
  });

  it('censored trials (Infinity) rank above every time and are never averaged in', () => {
    expect(quantile([1, 2, Infinity], 0.5)).toBe(2);
    expect(quantile([1, Infinity, Infinity], 0.5)).toBeNull();
    expect(medianInterval([...Array.from({ length: 18 }, (_, i) => i + 1), Infinity, Infinity]).high).toBe(15);
    expect(mannWhitney([1, 2, 3], [Infinity, Infinity, Infinity])!.u).toBe(0);
  });

  it('the bootstrap interval of the median ratio is seeded and covers the true ratio', () => {
    const base = Array.from({ length: 30 }, (_, i) => 100 + (i % 10));
    const slower = base.map((v) => v * 1.5);
    const a = bootstrapMedianRatio(slower, base, createRandom(1));
    const b = bootstrapMedianRatio(slower, base, createRandom(1));
    expect(a).toEqual(b);
    expect(a.ratio).toBeCloseTo(1.5, 6);
    expect(a.low!).toBeLessThanOrEqual(1.5);
    expect(a.high!).toBeGreaterThanOrEqual(1.5);
    expect(a.low!).toBeGreaterThan(1.3);
  });
});
