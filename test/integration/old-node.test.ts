import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.ts';

/** A Node older than 22.18 on this machine: the one npm runs on (npm test), or /usr/bin/node. */
function findOldNode(): string | undefined {
  const candidates = [process.env.GOMOD_CHAOS_OLD_NODE, process.env.npm_node_execpath, '/usr/bin/node'];
  for (const node of candidates) {
    if (!node) continue;
    const r = spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' });
    const [major, minor] = (r.stdout ?? '').trim().split('.').map(Number);
    if (r.status === 0 && major !== undefined && minor !== undefined && (major < 22 || (major === 22 && minor < 18))) return node;
  }
  return undefined;
}

const oldNode = findOldNode();
// only /usr/bin and /bin on PATH, as on a fresh machine: no Node 24 anywhere but node_modules
const ISOLATED = { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' };
const bare = mkdtempSync(join(tmpdir(), 'gomod-chaos-bare-'));
mkdirSync(join(bare, 'bin'));
for (const f of ['gomod-chaos.js', 'require-node.js']) copyFileSync(join(ROOT, 'bin', f), join(bare, 'bin', f));
afterAll(() => rmSync(bare, { recursive: true, force: true }));

function run(node: string, args: string[], cwd = ROOT) {
  const r = spawnSync(node, args, { cwd, env: ISOLATED, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectOneLine(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe.skipIf(!oldNode)(`an old Node (${oldNode ?? 'none found'})`, () => {
  it('bin/gomod-chaos.js hands over to the Node 24 of node_modules: the CLI answers, its exit code passes through', () => {
    const help = run(oldNode!, ['bin/gomod-chaos.js', 'help']);
    expect(help.stderr).toBe('');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: gomod-chaos/);
    expectOneLine(run(oldNode!, ['bin/gomod-chaos.js', 'frobnicate']), /^gomod-chaos: unknown command "frobnicate"/);
  });

  it('without a Node 24 in node_modules: one line naming the version needed and how, exit 2', () => {
    expectOneLine(run(oldNode!, [join(bare, 'bin', 'gomod-chaos.js'), 'doctor'], bare), /^gomod-chaos: needs Node >= 22\.18, found v\d+\.\d+\.\d+ .*install Node 24/);
  });

  it('a script run straight by the old Node (npm pretest) says how to use the Node 24 of node_modules', () => {
    expectOneLine(run(oldNode!, ['bin/require-node.js']), /^gomod-chaos: needs Node >= 22\.18, found v\d+.*run it through npm/);
  });
});

describe('a recent Node', () => {
  it('a missing dist/ is one line saying to build, exit 2', () => {
    expectOneLine(run(process.execPath, [join(bare, 'bin', 'gomod-chaos.js'), 'list'], bare), /dist\/cli\.js is missing: run `npm run build`/);
  });
});
