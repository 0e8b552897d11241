import { describe, expect, it } from 'vitest';
import { HarnessError } from '../../src/errors.ts';
import { loadScenario, validateScenario } from '../../src/scenario/load.ts';

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(HarnessError);
    return (err as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('scenario validation', () => {
  it('fills defaults and always includes baseline', () => {
    const s = validateScenario({ name: 'x', mitigations: ['http2-off'], timeout: '90s' }, 'x.ts');
    expect(s.mitigations.map((m) => m.name)).toEqual(['baseline', 'http2-off']);
    expect(s.timeoutMs).toBe(90_000);
    expect(s.corpus.modules).toBe(20);
  });

  it('names the field, the value given and what is allowed', () => {
    const msg = problem(() => validateScenario({ name: 'x', mitigations: ['baseline', 'http3-on'] }, 'scen.ts'));
    expect(msg).toContain('scen.ts: mitigations[1]: got "http3-on"; allowed: one of "baseline", "http2-off"');
  });

  it('reports unknown fields with the allowed ones', () => {
    const msg = problem(() => validateScenario({ name: 'x', corpus: { module: 3 } }, 's.ts'));
    expect(msg).toMatch(/s\.ts: unknown field corpus\.module; allowed: .*modules/);
  });

  it('rejects bad durations and numbers out of range', () => {
    expect(problem(() => validateScenario({ name: 'x', timeout: 'soon' }, 's.ts'))).toContain('timeout: got "soon"; allowed: a duration');
    expect(problem(() => validateScenario({ name: 'x', reps: 0 }, 's.ts'))).toContain('reps: got 0; allowed: at least 1');
    expect(problem(() => validateScenario({ name: 'has space' }, 's.ts'))).toContain('name: got "has space"');
  });

  it('loads a file and explains a missing one', async () => {
    await expect(loadScenario('scenarios/clean.ts')).resolves.toMatchObject({ name: 'clean' });
    await expect(loadScenario('scenarios/nope.ts')).rejects.toThrow(/scenario file not found: scenarios\/nope\.ts/);
    await expect(loadScenario('test/fixtures/scenarios/bad-fields.ts')).rejects.toThrow(/unknown field retries/);
  });
});
