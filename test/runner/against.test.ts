import { describe, expect, it } from 'vitest';
import { alternateTrials, asBaseOf, onlyFaultsDiffer, scheduleAgainst } from '../../src/runner/against.ts';
import { validateScenario } from '../../src/scenario/load.ts';

const scenario = (name: string, extra: Record<string, unknown> = {}) => validateScenario({ name, corpus: { modules: 1, seed: 1 }, reps: 3, ...extra }, `test:${name}`);
const delayed = scenario('cand', { faults: [{ kind: 'dns-delay', match: '$goproxy', delay: '40ms' }] });

describe('run --against: how base and candidate trials share the machine', () => {
  it('only the faults differ: one sandbox, trials alternating in pairs (b0 c0, c1 b1, b2 c2)', () => {
    const base = asBaseOf(scenario('base'), delayed);
    expect(onlyFaultsDiffer(base, delayed)).toBe(true);
    const trials = [0, 1, 2].flatMap((k) => [{ scenario: base.name, k }, { scenario: delayed.name, k }]);
    const plan = scheduleAgainst(base, delayed, trials);
    expect(plan).toHaveLength(1);
    expect(plan[0]!.perTrial).toBe(base);
    expect(plan[0]!.trials.map((t) => `${t.scenario === base.name ? 'b' : 'c'}${t.k}`)).toEqual(['b0', 'c0', 'c1', 'b1', 'b2', 'c2']);
    expect(alternateTrials([1, 2], [5])).toEqual([1, 5, 2]);
  });

  it('another corpus (or phases) needs its own sandbox: alternating blocks', () => {
    const base = asBaseOf(scenario('base', { corpus: { modules: 2, seed: 1 } }), delayed);
    expect(onlyFaultsDiffer(base, delayed)).toBe(false);
    const trials = Array.from({ length: 10 }, (_, k) => ({ scenario: k < 5 ? base.name : delayed.name, k }));
    const plan = scheduleAgainst(base, delayed, trials);
    expect(plan.map((p) => p.scenario.name)).toEqual([base.name, delayed.name, delayed.name, base.name]);
    expect(plan.every((p) => p.perTrial === undefined)).toBe(true);
  });
});
