import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers.ts';

/** What components cannot do yet is refused in one line, exit 2, before anything starts. */
describe('component refusals', () => {
  it('the docker backend refuses a scenario with components, naming them', async () => {
    const r = await runCli(['run', 'scenarios/real/squid-connect-deny.ts', '--backend', 'docker']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['gomod-chaos: real-squid-connect-deny: components (squid) run only on --backend netns for now (the docker backend has no image for them yet)']);
  });

  it('a scenario with phases cannot be sharded', async () => {
    const r = await runCli(['run', 'scenarios/real/nginx-mirror.ts', '--shard', '1/2']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^gomod-chaos: real-nginx-mirror: a scenario with phases cannot be sharded .*run it without --shard$/);
  });
});
