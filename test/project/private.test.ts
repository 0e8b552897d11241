import { describe, expect, it } from 'vitest';
import { withPrivateModules } from '../../src/client/environment.ts';
import { matchesPrivatePatterns, privateEnv } from '../../src/project/private.ts';

describe('GOPRIVATE patterns, as cmd/go matches them (module.MatchPrefixPatterns)', () => {
  it('a pattern matches as many leading path elements as it has; globs stop at /', () => {
    expect(matchesPrivatePatterns('github.com/corp-example', 'github.com/corp-example/greet/v2')).toBe(true);
    expect(matchesPrivatePatterns('github.com/corp-example', 'github.com/corp-examples/greet')).toBe(false);
    expect(matchesPrivatePatterns('github.com/corp-example/greet', 'github.com/corp-example')).toBe(false);
    expect(matchesPrivatePatterns('*.corp.example', 'git.corp.example/team/lib')).toBe(true);
    expect(matchesPrivatePatterns('*.corp.example', 'corp.example/lib')).toBe(false);
    expect(matchesPrivatePatterns('gomod.example, github.com/*/gre?t/', 'github.com/x/greet/sub')).toBe(true);
    expect(matchesPrivatePatterns('', 'github.com/x/y')).toBe(false);
  });

  it('a trial carries GOPRIVATE, and GONOPROXY / GONOSUMDB only where the user set them apart from it', () => {
    expect(privateEnv({ GOPRIVATE: 'github.com/corp', GONOPROXY: 'github.com/corp', GONOSUMDB: 'github.com/corp' })).toEqual({ GOPRIVATE: 'github.com/corp' });
    expect(privateEnv({ GOPRIVATE: '', GONOPROXY: '', GONOSUMDB: 'github.com/corp' })).toEqual({ GONOSUMDB: 'github.com/corp' });
  });

  it("a mitigation's pattern list adds to the user's: the private modules never go to a public proxy", () => {
    const user = { GOPRIVATE: 'github.com/corp' };
    expect(withPrivateModules({ GOPRIVATE: 'gomod.example', GOFLAGS: '-x' }, user)).toEqual({ GOPRIVATE: 'gomod.example,github.com/corp', GOFLAGS: '-x' });
    expect(withPrivateModules({ GOPROXY: 'off' }, user)).toEqual({ GOPROXY: 'off', GOPRIVATE: 'github.com/corp' });
    expect(withPrivateModules({ GONOSUMDB: 'x' })).toEqual({ GONOSUMDB: 'x' });
    // the user's own GONOPROXY overrides GOPRIVATE in go: the mitigation's GOPRIVATE must reach it as well
    expect(withPrivateModules({ GOPRIVATE: 'gomod.example' }, { GOPRIVATE: 'github.com/corp', GONOPROXY: '' })).toEqual({ GOPRIVATE: 'gomod.example,github.com/corp', GONOPROXY: 'gomod.example' });
    // a mitigation's own GONOSUMDB makes go stop deriving it from GOPRIVATE: the user's private modules stay out of the database
    expect(withPrivateModules({ GONOSUMDB: 'gomod.example' }, user)).toEqual({ GOPRIVATE: 'github.com/corp', GONOSUMDB: 'gomod.example,github.com/corp' });
  });
});
