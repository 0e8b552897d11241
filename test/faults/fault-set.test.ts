import { describe, expect, it } from 'vitest';
import { FaultSet } from '../../src/faults/fault-set.ts';
import { globMatches } from '../../src/faults/glob.ts';

type F = { kind: 'a' | 'b'; match?: string; from?: number; until?: number };

describe('FaultSet', () => {
  it('is active in its window [from, until) and for hosts its pattern matches', () => {
    const set = new FaultSet<F>();
    const timed: F = { kind: 'a', match: '*.golang.org', from: 100, until: 200 };
    const everyHost: F = { kind: 'b' };
    set.set([timed, everyHost]);
    expect(set.active('proxy.golang.org', 99)).toEqual([everyHost]);
    expect(set.active('proxy.golang.org', 100)).toEqual([timed, everyHost]);
    expect(set.active('PROXY.golang.org', 199)).toEqual([timed, everyHost]);
    expect(set.active('proxy.golang.org', 200)).toEqual([everyHost]);
    expect(set.active('goproxy.example', 150)).toEqual([everyHost]);
    // no host asked: whatever the pattern
    expect(set.active(undefined, 150)).toEqual([timed, everyHost]);
    expect(set.edgesMs().sort((x, y) => x - y)).toEqual([0, 100, 200]);
  });

  it('counts what acted, and clear() forgets faults and counts', () => {
    const set = new FaultSet<F>();
    const fault: F = { kind: 'a', match: '*' };
    set.set([fault]);
    set.acted.add(fault);
    set.acted.add(fault);
    expect(set.acted.snapshot()).toEqual({ 'a *': 2 });
    set.clear();
    expect(set.all()).toEqual([]);
    expect(set.acted.snapshot()).toEqual({});
    expect(set.active('x', 0)).toEqual([]);
  });

  it('takes another pattern, or none (faults that match something else than hosts)', () => {
    const set = new FaultSet<F>(() => undefined);
    set.set([{ kind: 'a', match: 'gomod.example/*' }]);
    expect(set.active('proxy.golang.org', 0)).toHaveLength(1);
  });
});

describe('globMatches', () => {
  it("matches exactly, or with '*' over any run of characters", () => {
    expect(globMatches('a.example', 'a.example')).toBe(true);
    expect(globMatches('a.example', 'b.example')).toBe(false);
    expect(globMatches('*.zip', '/m/@v/v1.0.0.zip')).toBe(true);
    expect(globMatches('/sumdb/*', '/sumdb/sum.golang.org/lookup/x@v1')).toBe(true);
    // '.' and other regex characters are literal
    expect(globMatches('a.b', 'axb')).toBe(false);
    expect(globMatches('(x)+', '(x)+')).toBe(true);
  });

  it('compares with case unless told not to', () => {
    expect(globMatches('gomod.example/Corp/*', 'gomod.example/corp/x')).toBe(false);
    expect(globMatches('*.GOLANG.org', 'proxy.golang.org', { ignoreCase: true })).toBe(true);
  });
});
