import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { descendants, liveNamespaces, namespaceOf, readRecords, startCli, waitFor } from '../helpers.ts';

const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-life-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return state.slice(state.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Starts a long run and returns once trials are being recorded, with what it started. */
async function startRun(name: string) {
  const resultsFile = join(out, name, 'results.jsonl');
  const cli = startCli(['run', 'test/fixtures/scenarios/tiny.ts', '--out', join(out, name)]);
  const pid = cli.child.pid!;
  await waitFor('a recorded trial', () => existsSync(resultsFile) && readFileSync(resultsFile, 'utf8').includes('\n'));
  const tree = descendants(pid);
  // the sandbox's pid 1 is the first process in a pid namespace other than ours
  const ourPidNs = namespaceOf(process.pid, 'pid');
  const sandboxPid = tree.find((p) => namespaceOf(p, 'pid') !== ourPidNs);
  expect(sandboxPid).toBeDefined();
  expect(namespaceOf(sandboxPid!, 'net')).not.toBe(namespaceOf(process.pid, 'net'));
  const sandbox = { net: namespaceOf(sandboxPid!, 'net')!, mnt: namespaceOf(sandboxPid!, 'mnt')!, pid: namespaceOf(sandboxPid!, 'pid')! };
  // the components really run: the WAN among the processes of the run (the firewall's relay serving Toxiproxy, or toxiproxy-server)
  expect(tree.some((p) => /toxiproxy|-wan-api/.test(readFileSync(`/proc/${p}/cmdline`, 'utf8')))).toBe(true);
  return { cli, pid, tree, sandbox, resultsFile };
}

async function expectNothingLeft(run: Awaited<ReturnType<typeof startRun>>): Promise<void> {
  await waitFor('every process of the run to exit', () => run.tree.every((p) => !alive(p)), 10_000);
  await waitFor('the sandbox namespaces to be released', () => !liveNamespaces('net').has(run.sandbox.net) && !liveNamespaces('mnt').has(run.sandbox.mnt) && !liveNamespaces('pid').has(run.sandbox.pid), 10_000);
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
  expect(mounts).not.toContain('gomod-chaos-scratch');
  // every recorded line is a whole record: nothing measured was lost or torn
  const records = readRecords(run.resultsFile);
  expect(records.length).toBeGreaterThan(0);
  expect(records.every((r) => r.outcome === 'ok')).toBe(true);
}

describe('the sandbox leaves nothing behind', () => {
  it('after SIGINT: the run stops cleanly, keeps its trials and says so', async () => {
    const run = await startRun('sigint');
    run.cli.child.kill('SIGINT');
    const result = await run.cli.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/interrupted: \d+ of 400 trials kept in/);
    await expectNothingLeft(run);
  });

  it('after SIGKILL of the harness: the kernel tears the sandbox down', async () => {
    const run = await startRun('sigkill');
    run.cli.child.kill('SIGKILL');
    // not run.cli.done: that would wait for the sandbox, which inherits the harness's stdout
    await run.cli.exited;
    await expectNothingLeft(run);
  });
});
