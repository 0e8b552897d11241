import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'gomod-chaos-run-';

/** Whether a process with this pid runs (ours to signal or not). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The run's scratch directory (the sandbox mounts a tmpfs on it, so its contents vanish with
 * the sandbox). Its name carries the owner's pid: a later run removes the empty folders left by
 * runs that were killed with SIGKILL.
 */
export function createScratchDir(): string {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(/^gomod-chaos-run-(\d+)-/.exec(name)?.[1]);
    if (pid && !processAlive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
  return mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
}
