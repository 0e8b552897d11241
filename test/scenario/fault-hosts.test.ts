import { describe, expect, it } from 'vitest';
import { HarnessError } from '../../src/errors.ts';
import { runCli } from '../helpers.ts';
import { checkFaultHosts } from '../../src/scenario/fault-hosts.ts';
import type { Fault } from '../../src/faults/catalog.ts';

const HOSTS = ['goproxy.example', 'proxy.golang.org', 'sum.golang.org', 'gomod.example'];

function problem(faults: unknown[]): string {
  try {
    checkFaultHosts('s.ts', faults as Fault[], HOSTS);
  } catch (err) {
    expect(err).toBeInstanceOf(HarnessError);
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

describe('fault hosts', () => {
  it('a misspelled host is an error with "did you mean"', () => {
    expect(problem([{ kind: 'dns-delay', match: 'goproxy.exmaple', delay: '1s' }])).toBe(
      's.ts: faults[0].match: got "goproxy.exmaple", which names no host of the fake internet; did you mean "goproxy.example"? allowed: one of "goproxy.example", "proxy.golang.org", "sum.golang.org", "gomod.example", a pattern with "*" that matches one, or $goproxy / $gosumdb / $module',
    );
  });

  it('a pattern that matches nothing is an error; a far-off name gets no guess', () => {
    expect(problem([{ kind: 'tcp-reset', match: '*.corp.test' }])).toMatch(/faults\[0\]\.match: got "\*\.corp\.test", which names no host of the fake internet; allowed:/);
    expect(problem([{ kind: 'tcp-reset', match: 'registry.npmjs.org' }])).not.toContain('did you mean');
  });

  it('exact hosts, matching patterns, tokens and module-path matches of the checksum database pass', () => {
    expect(() =>
      checkFaultHosts('s.ts', [
        { kind: 'dns-delay', match: 'PROXY.golang.org', delay: '1s' },
        { kind: 'tcp-latency', match: '*.golang.org', latency: '10ms' },
        { kind: 'dns-drop', match: '*' },
        { kind: 'dns-drop', match: '$gosumdb' },
        { kind: 'sumdb-wrong-hash', match: 'gomod.example/lib/*' },
      ] as Fault[], HOSTS),
    ).not.toThrow();
  });

  it('run stops before any trial, exit 2, one line with "did you mean"', { timeout: 60_000 }, async () => {
    const result = await runCli(['run', 'test/fixtures/scenarios/misspelled-host.ts', '--out', '/tmp/gomod-chaos-misspelled-never-written']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/misspelled-host\.ts: faults\[0\]\.match: got "goproxy\.exmaple", which names no host of the fake internet; did you mean "goproxy\.example"\?/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
