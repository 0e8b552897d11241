import { spawn } from 'node:child_process';

export interface GoOutsideResult {
  /** null when go was killed (a signal, or the timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface GoOutsideOptions {
  cwd: string;
  /** The snapshot's module cache (GOMODCACHE). */
  modCache: string;
  /** In a project copy: -mod=mod too (go may update its go.mod and go.sum there). */
  inModule?: boolean;
  env?: Readonly<Record<string, string>>;
  timeoutMs?: number;
}

/**
 * Runs go outside the sandbox, with the user's environment (their GOPROXY, GOSUMDB, git and
 * credentials), into a snapshot's module cache: what every step of a snapshot runs.
 */
export function goOutside(goBinary: string, args: readonly string[], options: GoOutsideOptions): Promise<GoOutsideResult> {
  const goflags = `${process.env['GOFLAGS'] ?? ''} -modcacherw${options.inModule ? ' -mod=mod' : ''}`.trim();
  const env = { ...process.env, GOMODCACHE: options.modCache, GOFLAGS: goflags, ...options.env };
  return new Promise((done, fail) => {
    const child = spawn(goBinary, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.once('error', fail);
    child.once('close', (c) => done({ code: c, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
  });
}
