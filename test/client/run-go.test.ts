import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { runGo } from '../../src/client/run-go.ts';

const dir = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-rungo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Pids of the processes whose environment carries this marker (a trial's processes, found from outside). */
function processesWith(marker: string): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'latin1').includes(marker);
    } catch {
      return false; // gone meanwhile, or not ours to read
    }
  }).map(Number);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('runGo: a trial ends with nothing of it running', () => {
  // cmd/go's telemetry uploader is started detached (setsid) and can outlive go, writing under
  // the trial's HOME while the harness removes it: rmdir failed with ENOTEMPTY and aborted a run.
  it('a child that left the process group and keeps writing under HOME is gone when runGo returns', async () => {
    const home = join(dir, 'home');
    const fakeGo = join(dir, 'fake-go');
    writeFileSync(fakeGo, [
      '#!/bin/sh',
      `setsid sh -c 'while :; do mkdir -p "$HOME/.config/go/telemetry/local"; touch "$HOME/.config/go/telemetry/local/c$$"; sleep 0.01; done' </dev/null >/dev/null 2>&1 &`,
      'sleep 0.3',
      'echo done',
    ].join('\n'), { mode: 0o755 });
    writeFileSync(join(dir, 'resolv.conf'), 'nameserver 127.0.0.1\n');
    writeFileSync(join(dir, 'hosts'), '127.0.0.1 localhost\n');
    const marker = `GOMOD_CHAOS_TEST_MARKER=${randomUUID()}`;
    const [key, value] = marker.split('=') as [string, string];
    const r = await runGo({ goBinary: fakeGo, args: [], cwd: dir, env: { PATH: '/usr/bin:/bin', HOME: home, [key]: value }, resolvConf: join(dir, 'resolv.conf'), hostsFile: join(dir, 'hosts'), deadlineMs: 10_000 });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe('done');
    expect(processesWith(marker)).toEqual([]);
    rmSync(home, { recursive: true });
    await sleep(300);
    expect(existsSync(home)).toBe(false);
  });

  it('the deadline kills go and everything it started', async () => {
    const fakeGo = join(dir, 'hang-go');
    writeFileSync(fakeGo, '#!/bin/sh\nsetsid sleep 600 </dev/null >/dev/null 2>&1 &\nsleep 600\n', { mode: 0o755 });
    const marker = `GOMOD_CHAOS_TEST_MARKER=${randomUUID()}`;
    const [key, value] = marker.split('=') as [string, string];
    const started = performance.now();
    const r = await runGo({ goBinary: fakeGo, args: [], cwd: dir, env: { PATH: '/usr/bin:/bin', HOME: dir, [key]: value }, resolvConf: join(dir, 'resolv.conf'), hostsFile: join(dir, 'hosts'), deadlineMs: 300 });
    expect(r.timedOut).toBe(true);
    // 300 ms deadline, then the kill: seconds of slack on a busy machine, far below the 600 s sleep
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(processesWith(marker)).toEqual([]);
  });
});
