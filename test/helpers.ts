import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (from source) as a user would. */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, asUser?: number): { child: ChildProcess; done: Promise<CliResult>; exited: Promise<void> } {
  // asUser: run the CLI as that (unprivileged) user, via setpriv.
  const argv = asUser === undefined
    ? [process.execPath, CLI, ...args]
    : ['setpriv', '--reuid', String(asUser), '--regid', String(asUser), '--clear-groups', process.execPath, CLI, ...args];
  const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  // 'close' waits for every holder of the output pipes, 'exit' only for the process itself.
  const done = new Promise<CliResult>((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, done, exited };
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, asUser?: number): Promise<CliResult> {
  return startCli(args, env, asUser).done;
}

/** Every live process id below pid (children, grandchildren...). */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      const ppid = Number(fields[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** Namespace identities (e.g. "net:[4026532248]") held by any live process. */
export function liveNamespaces(kind: 'net' | 'mnt' | 'pid'): Set<string> {
  const out = new Set<string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      out.add(readlinkSync(`/proc/${entry}/ns/${kind}`));
    } catch {
      // gone or not ours
    }
  }
  return out;
}

export function namespaceOf(pid: number, kind: 'net' | 'mnt' | 'pid'): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/${kind}`);
  } catch {
    return undefined;
  }
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function readRecords(file: string): Array<Record<string, any>> {
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
}
