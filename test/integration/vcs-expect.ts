import { expect } from 'vitest';

/** What the direct-VCS tests (both backends) assert of a trial's record. */
type TrialRecord = Record<string, any>;

/** A direct fetch of the 3-module VCS fixtures went through git smart HTTP on the code host. */
export function expectFetchedWithGit(r: TrialRecord): void {
  expect(r, r.stderrTail).toMatchObject({ outcome: 'ok', modules: 3 });
  // go's own ?go-get=1 for each module, then git's requests (User-Agent git/...): all answered 200
  expect(r.vcs.goGet).toBe(3);
  expect(r.vcs.git).toBeGreaterThanOrEqual(3 * 2);
  expect(Object.keys(r.vcs.byStatus)).toEqual(['200']);
  // and never the module proxy
  expect(r.http.requests).toBe(0);
}

/** An SNI filter on git.corp.example reset git's TLS to the code host; go's discovery on the module host got through. */
export function expectGitReset(r: TrialRecord): void {
  expect(r).toMatchObject({ outcome: 'fail', failureClass: 'git-reset' });
  expect(r.stderrTail).toMatch(/fatal: unable to access 'https:\/\/git\.corp\.example\/\S+': /);
  expect(r.firewall['sni-reset']).toBeGreaterThan(0);
  expect(r.vcs).toMatchObject({ git: 0 });
  expect(r.vcs.goGet).toBeGreaterThan(0);
}
