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
    expect(msg).toContain('scen.ts: mitigations[1]: got "http3-on" (did you mean "http2-off"?); allowed: one of "baseline", "http2-off"');
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

  it("install: a path@version, only with workload: 'install'", () => {
    const target = 'golang.org/x/example/hello@v0.0.0-20250915201037-7f05d217867b';
    expect(validateScenario({ name: 'x', workload: 'install', install: target }, 's.ts')).toMatchObject({ workload: 'install', install: target });
    expect(problem(() => validateScenario({ name: 'x', workload: 'install', install: 'stringer' }, 's.ts'))).toContain('s.ts: install: got "stringer"; allowed: a main package at a version');
    expect(problem(() => validateScenario({ name: 'x', install: target }, 's.ts'))).toBe(`s.ts: install: got "${target}"; allowed: only with workload: 'install' (the target of its go install)`);
  });

  it('loads a file and explains a missing one', async () => {
    await expect(loadScenario('scenarios/clean.ts')).resolves.toMatchObject({ name: 'clean' });
    await expect(loadScenario('scenarios/nope.ts')).rejects.toThrow(/scenario file not found: scenarios\/nope\.ts/);
    await expect(loadScenario('test/fixtures/scenarios/bad-fields.ts')).rejects.toThrow(/unknown field retries/);
  });
});

describe('fault validation', () => {
  it('an unknown fault kind lists the kinds there are', () => {
    const msg = problem(() => validateScenario({ name: 'x', faults: [{ kind: 'dns-nope', match: 'a' }] }, 'f.ts'));
    expect(msg).toMatch(/^f\.ts: faults\[0\]\.kind: got "dns-nope"; allowed: one of "dns-nxdomain", .*"tcp-latency", .*"h2-stall"$/);
  });

  it('an unknown field of a fault lists that fault kind\'s fields', () => {
    const msg = problem(() => validateScenario({ name: 'x', faults: [{ kind: 'tcp-latency', match: 'a', latency: '1s', jiter: '5ms' }] }, 'f.ts'));
    expect(msg).toBe('f.ts: unknown field faults[0].jiter; allowed: kind, latency, jitter, match, direction, toxicity, from, until');
  });

  it('bad values name the field, the value and what is allowed', () => {
    expect(problem(() => validateScenario({ name: 'x', faults: [{ kind: 'http-status', match: 'a', status: 418 }] }, 'f.ts'))).toBe(
      'f.ts: faults[0].status: got 418; allowed: one of 403, 404, 410, 429, 500, 502, 503',
    );
    expect(problem(() => validateScenario({ name: 'x', faults: [{ kind: 'dns-delay', match: 'a', delay: 'soon' }] }, 'f.ts'))).toContain('faults[0].delay: got "soon"; allowed: a duration');
    // no address outside the machine can even be written down
    expect(problem(() => validateScenario({ name: 'x', faults: [{ kind: 'dns-poison', match: 'a', address: '10.0.0.1' }] }, 'f.ts'))).toContain('loopback');
  });

  it('valid faults of every layer pass and are kept (durations in milliseconds)', () => {
    const faults = [
      { kind: 'dns-drop', match: 'proxy.golang.org' },
      { kind: 'resolv-conf', nameservers: ['dead', 'fake'], options: { timeoutSec: 1, attempts: 2 } },
      { kind: 'tcp-latency', match: '*', latency: '200ms', jitter: '20ms' },
      { kind: 'sni-reset', match: '*.golang.org', from: '2s' },
      { kind: 'proxy-deny', match: 'sum.golang.org' },
      { kind: 'h2-rst-stream', match: '*', afterBytes: 1000 },
    ];
    // kept, with every duration parsed once to milliseconds
    const parsed = structuredClone(faults) as Array<Record<string, unknown>>;
    Object.assign(parsed[2]!, { latency: 200, jitter: 20 });
    Object.assign(parsed[3]!, { from: 2_000 });
    expect(validateScenario({ name: 'x', faults }, 'f.ts').faults).toEqual(parsed);
  });
});

describe('checksum database options', () => {
  it('corpus.goSum defaults to complete and takes none', () => {
    expect(validateScenario({ name: 'x' }, 's.ts').corpus.goSum).toBe('complete');
    expect(validateScenario({ name: 'x', corpus: { goSum: 'none' } }, 's.ts').corpus.goSum).toBe('none');
    expect(problem(() => validateScenario({ name: 'x', corpus: { goSum: 'some' } }, 's.ts'))).toBe('s.ts: corpus.goSum: got "some"; allowed: one of "complete", "none"');
  });

  it('sumdbMirrors must be mirrors of the scenario; sumdb-via-proxy is bound to the first', () => {
    const s = validateScenario({ name: 'x', mirrors: ['a.example', 'b.example'], sumdbMirrors: ['b.example'], mitigations: ['sumdb-via-proxy'] }, 's.ts');
    expect(s.sumdbMirrors).toEqual(['b.example']);
    expect(s.mitigations.find((m) => m.name === 'sumdb-via-proxy')?.sumdbViaProxy).toEqual({ mirror: 'b.example' });
    expect(validateScenario({ name: 'x' }, 's.ts').sumdbMirrors).toEqual([]);
    expect(problem(() => validateScenario({ name: 'x', mirrors: ['a.example'], sumdbMirrors: ['c.example'] }, 's.ts'))).toBe(
      `s.ts: sumdbMirrors: got ["c.example"]; allowed: the scenario's mirrors ["a.example"] (add them to \`mirrors\`)`,
    );
    expect(problem(() => validateScenario({ name: 'x', mirrors: ['a.example'], mitigations: ['http2-off', 'sumdb-via-proxy'] }, 's.ts'))).toMatch(
      /^s\.ts: mitigations\[1\]: got "sumdb-via-proxy"; allowed: only with `mirrors: \['goproxy\.example'\], sumdbMirrors: \['goproxy\.example'\]`/,
    );
  });

  it('sumdb faults take a module path pattern, and name their fields', () => {
    const faults = [
      { kind: 'sumdb-wrong-hash', match: 'gomod.example/Corp/*', file: 'go.mod' },
      { kind: 'sumdb-inconsistent-tree', match: '*', from: '1s' },
    ];
    expect(validateScenario({ name: 'x', faults }, 'f.ts').faults).toEqual([faults[0], { ...faults[1], from: 1_000 }]);
    expect(problem(() => validateScenario({ name: 'x', faults: [{ kind: 'sumdb-wrong-hash', match: 'gomod.example/a b' }] }, 'f.ts'))).toContain('faults[0].match: got "gomod.example/a b"; allowed: a module path');
    expect(problem(() => validateScenario({ name: 'x', faults: [{ kind: 'sumdb-wrong-hash', match: '*', file: 'info' }] }, 'f.ts'))).toBe('f.ts: faults[0].file: got "info"; allowed: one of "zip", "go.mod"');
    expect(problem(() => validateScenario({ name: 'x', faults: [{ kind: 'sumdb-inconsistent-tree', match: '*', host: 'x' }] }, 'f.ts'))).toBe(
      'f.ts: unknown field faults[0].host; allowed: kind, match, from, until',
    );
  });
});
