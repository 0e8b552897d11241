import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.ts';

/**
 * The package as a user gets it: `npm pack` here, `npm install <tarball>` into a new project
 * (dependencies from the npm registry), a scenario written there, type-checked and run.
 */
const work = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-package-'));
const project = join(work, 'user-project');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const go = spawnSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' }).stdout.trim();
// the machine's own npm and node (a fresh machine's: maybe Node 20), no Node 24 on PATH
const PATH = existsSync('/usr/bin/npm') ? `/usr/bin:/bin:${dirname(go)}` : process.env.PATH!;
const ENV = { PATH, HOME: process.env.HOME ?? '/root', GOMOD_CHAOS_GO: go };

function sh(cmd: string, args: string[], cwd: string, timeoutMs = 240_000) {
  const r = spawnSync(cmd, args, { cwd, env: ENV, encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

const SCENARIO = `import { defineScenario } from 'gomod-chaos';

export default defineScenario({
  name: 'user-tiny',
  corpus: { modules: 3, depth: 1, fanout: 0, maxVersions: 1, zipSizeKB: { median: 4, sigma: 0 } },
  mitigations: ['baseline'],
  reps: 1,
  timeout: '30s',
});
`;

describe('npm pack, installed into another project', { timeout: 600_000 }, () => {
  let tarball = '';

  it('npm pack builds dist/ and ships bin, dist and types, not the sources', () => {
    const pack = sh('npm', ['pack', '--json', '--pack-destination', work], ROOT);
    expect(pack.code, pack.stderr).toBe(0);
    const [info] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = info!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['bin/gomod-chaos.js', 'bin/require-node.js', 'dist/cli.js', 'dist/index.js', 'dist/index.d.ts', 'package.json']));
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
    tarball = join(work, info!.filename);
    expect(existsSync(tarball)).toBe(true);
  });

  it('npm install <tarball> in a new project, a scenario there type-checks without @types/node in its config', () => {
    mkdirSync(join(project, 'chaos'), { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', private: true, type: 'module' }));
    const install = sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], project);
    expect(install.code, install.stderr).toBe(0);
    expect(readdirSync(join(project, 'node_modules', 'gomod-chaos', 'dist'))).toContain('cli.js');
    writeFileSync(join(project, 'chaos', 'tiny.ts'), SCENARIO);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, noEmit: true, types: [] }, include: ['chaos'] }));
    // the types are real: a wrong field type is caught in the editor / by tsc. One tsc run checks
    // both files: the only error is the wrong field's, so tiny.ts (and everything else) is clean.
    writeFileSync(join(project, 'chaos', 'wrong.ts'), SCENARIO.replace('reps: 1', "reps: 'one'"));
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const typecheck = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });
    const errors = typecheck.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
    expect(errors, typecheck.stdout + typecheck.stderr).toHaveLength(1);
    expect(errors[0]).toMatch(/^chaos\/wrong\.ts\(\d+,\d+\): error TS2322/);
    expect(typecheck.stderr).toBe('');
    rmSync(join(project, 'chaos', 'wrong.ts'));
  });

  it('npx gomod-chaos runs that scenario (its `gomod-chaos` import is the installed harness)', () => {
    const run = sh('npx', ['gomod-chaos', 'run', 'chaos/tiny.ts', '--out', 'out', '--json'], project);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as { trials: number; report: { scenarios: Array<{ name: string; cells: Array<{ n: number; ok: number }> }> } };
    expect(doc.trials).toBe(1);
    expect(doc.report.scenarios[0]).toMatchObject({ name: 'user-tiny', cells: [{ n: 1, ok: 1 }] });
    expect(run.stderr).toMatch(/user-tiny baseline go\d+\.\d+(\.\d+)? #1: ok/);
  });
});
