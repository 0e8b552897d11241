import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findGo } from '../../src/client/toolchain.ts';
import { cacheDir } from '../../src/paths.ts';
import { ensureSnapshot } from '../../src/project/snapshot.ts';
import { readRecords, runCli } from '../helpers.ts';

const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-workload-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('workloads: named go commands and zx scripts, real go through the fake internet', () => {
  it('a script runs two commands and its record shows both', async () => {
    const dir = join(out, 'ok');
    const result = await runCli(['run', 'test/fixtures/scenarios/zx-workload.ts', '--out', dir]);
    expect(result.code, result.stderr.slice(-1500)).toBe(0);
    const records = readRecords(join(dir, 'results.jsonl'));
    expect(records.length).toBe(1);
    const [r] = records;
    expect(r).toMatchObject({ outcome: 'ok', failureClass: null, workload: 'script' });
    expect(r!.commands).toEqual([
      expect.objectContaining({ command: 'go mod download', exitCode: 0 }),
      expect.objectContaining({ command: 'go list -m all', exitCode: 0 }),
    ]);
    // the commands really crossed the fake internet (its DNS, its origin)
    expect(r!.http.requests).toBeGreaterThan(0);
    expect(r!.dns.queries).toBeGreaterThan(0);
  }, 120_000);

  it('the first failing command ends the script and its stderr gives the class', async () => {
    const dir = join(out, 'fails');
    const result = await runCli(['run', 'test/fixtures/scenarios/zx-workload-fails.ts', '--out', dir]);
    expect(result.code, result.stderr.slice(-1500)).toBe(0);
    const [r] = readRecords(join(dir, 'results.jsonl'));
    expect(r!.commands).toHaveLength(2);
    expect(r!.commands[0]).toMatchObject({ exitCode: 0 });
    expect(r!.commands[1]).toMatchObject({ command: 'go mod download -x gomod.example/no-such-module@v1.0.0', exitCode: 1 });
    // the origin answers 404 for a module it does not have
    expect(r).toMatchObject({ outcome: 'fail', failureClass: 'http-404', workload: 'script' });
    expect(r!.stderrTail).toContain('gomod.example/no-such-module');
  }, 120_000);

  it('--workload build and test compile the corpus\'s workload through the fake internet', async () => {
    for (const workload of ['build', 'test']) {
      const dir = join(out, workload);
      const result = await runCli(['run', 'test/fixtures/scenarios/tiny.ts', '--reps', '1', '--workload', workload, '--out', dir]);
      expect(result.code, result.stderr.slice(-1500)).toBe(0);
      const records = readRecords(join(dir, 'results.jsonl'));
      expect(records).toHaveLength(2);
      const command = workload === 'build' ? 'go build ./...' : "go test -count=1 -run ^$ ./...";
      for (const r of records) {
        expect(r, r.stderrTail).toMatchObject({ outcome: 'ok', workload, commands: [expect.objectContaining({ command, exitCode: 0 })] });
        expect(r.http.byStatus['200']).toBeGreaterThan(0);
      }
    }
  }, 300_000);

  it('--workload names only what exists', async () => {
    const bad = await runCli(['run', 'scenarios/clean.ts', '--workload', 'deploy']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--workload: got "deploy"; allowed: "download", "build", "test"/);
  });
});

// archived modules at old versions (their newest never changes) and a pinned tool: the snapshot
// is the same whenever it is made
const SMALL = fileURLToPath(new URL('../fixtures/project-small', import.meta.url));
const HELLO = 'golang.org/x/example/hello@v0.0.0-20250915201037-7f05d217867b';

describe('get-u and install on a real project, through the fake internet', () => {
  beforeAll(async () => {
    // the one step that uses the real module proxy (once; later runs reuse the harness cache)
    await ensureSnapshot(SMALL, { cacheDir: cacheDir(), goBinary: findGo(), needs: { getU: true, install: HELLO } });
  }, 600_000);

  it('get -u fetches the newest versions from the origin (and needs the database); go install builds the tool', async () => {
    const dir = join(out, 'get-u-install');
    const result = await runCli(['run', 'test/fixtures/scenarios/get-u-sni.ts', 'test/fixtures/scenarios/install-hello.ts', '--out', dir], { DEBUG: 'gomod-chaos:origin' });
    // each scenario's expect block holds (exit 1 otherwise): the classes below, from go's own stderr
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    const records = readRecords(join(dir, 'results.jsonl'));
    const cell = (scenario: string, name: string) => records.find((r) => r.scenario === scenario && r.mitigation.startsWith(name))!;
    const getU = ['go get -u ./...'];
    expect(cell('get-u-sni', 'baseline')).toMatchObject({ outcome: 'fail', failureClass: 'tcp-reset', workload: 'get-u', commands: [expect.objectContaining({ command: getU[0], exitCode: 1 })] });
    // the mirror has the modules, but the upgrades are not in go.sum: the database is asked through the default proxy, reset
    const athens = cell('get-u-sni', 'mirror-list(athens');
    expect(athens).toMatchObject({ outcome: 'fail', failureClass: 'sumdb-unreachable' });
    expect(athens.stderrTail).toMatch(/github\.com\/pkg\/errors@v0\.9\.1: verifying module: .*\/sumdb\/sum\.golang\.org\/supported/);
    const mirror = cell('get-u-sni', 'mirror-list(goproxy');
    expect(mirror, mirror.stderrTail).toMatchObject({ outcome: 'ok', workload: 'get-u', commands: [expect.objectContaining({ command: getU[0], exitCode: 0 })] });
    expect(mirror.stderrTail).toContain('go: upgraded github.com/pkg/errors v0.8.1 => v0.9.1');
    expect(mirror.sumdb.lookups).toBe(2);
    // the origin's log: the lists, then the newer versions go upgraded to, at the mirror
    const served = (host: string) => result.stderr.split('\n').filter((l) => l.includes('gomod-chaos:origin') && l.includes(` ${host} `));
    for (const path of ['/github.com/pkg/errors/@v/list', '/github.com/pkg/errors/@v/v0.9.1.info', '/github.com/pkg/errors/@v/v0.9.1.zip', '/gopkg.in/yaml.v2/@v/list', '/gopkg.in/yaml.v2/@v/v2.4.0.zip']) {
      expect(served('goproxy.example').some((l) => l.includes(` ${path}`)), path).toBe(true);
    }
    const install = cell('install-hello', 'baseline');
    expect(install, install.stderrTail).toMatchObject({ outcome: 'ok', workload: 'install' });
    // go install, then go version -m of the file it wrote: the binary exists and holds the module's build info
    expect(install.commands).toEqual([
      expect.objectContaining({ command: `go install ${HELLO}`, exitCode: 0 }),
      expect.objectContaining({ command: expect.stringMatching(/^go version -m \/.*\/gopath\/bin\/hello$/), exitCode: 0 }),
    ]);
    expect(served('proxy.golang.org').some((l) => l.includes(` /golang.org/x/example/hello/@v/${HELLO.split('@')[1]}.zip`))).toBe(true);
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { scenarios: Array<{ name: string; workload: string; project: string }> };
    expect(run.scenarios.map((s) => [s.name, s.workload, s.project])).toEqual([['get-u-sni', 'get-u', SMALL], ['install-hello', 'install', SMALL]]);
  }, 300_000);

  it('install on a project needs a target, named in one line', async () => {
    const none = await runCli(['run', 'scenarios/clean.ts', '--project', 'test/fixtures/project-small', '--workload', 'install']);
    expect(none.code).toBe(2);
    expect(none.stderr.trim()).toBe("gomod-chaos: clean: the install workload needs a target on a project: install: 'example.com/tool/cmd/x@v1.2.3' in the scenario, or --install path@version");
  });
});
