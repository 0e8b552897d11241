import { describe, expect, it } from 'vitest';
import { createRandom } from '../src/random.ts';

describe('createRandom', () => {
  it('the first draws of consecutive seeds (the trials of a run) are spread like any draws', () => {
    // a trial's seed is the run's seed x 100003 + its position: consecutive integers
    for (const runSeed of [1, 3, 42]) {
      const firsts = Array.from({ length: 200 }, (_, t) => createRandom(runSeed * 100_003 + t).float());
      const below = firsts.filter((x) => x < 0.4).length / firsts.length;
      // binomial(200, 0.4): sd 0.035; 0.25..0.55 is more than four sd either side
      expect(below).toBeGreaterThan(0.25);
      expect(below).toBeLessThan(0.55);
    }
  });

  it('the same seed replays the same draws', () => {
    const a = createRandom(7);
    const b = createRandom(7);
    expect(Array.from({ length: 5 }, () => a.int(0, 1000))).toEqual(Array.from({ length: 5 }, () => b.int(0, 1000)));
  });
});
