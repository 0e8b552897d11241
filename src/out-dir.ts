import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { HarnessError, errorMessage } from './errors.ts';

/**
 * Creates an output folder one level at a time (never `mkdirSync(..., { recursive: true })`,
 * which loops forever where mkdir keeps answering ENOENT, e.g. under /proc); every failure is
 * one line naming the flag, the path and the fix.
 */
export function ensureOutDir(dir: string, flag = '--out'): string {
  const target = resolve(dir);
  const missing: string[] = [];
  let at = target;
  while (!existsSync(at)) {
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  if (existsSync(at) && !statSync(at).isDirectory()) {
    throw new HarnessError('BAD_INPUT', `${flag} ${dir}: ${at} is a file, not a folder; choose a folder for the run's results`);
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'EEXIST' && statSync(d).isDirectory()) continue;
      throw new HarnessError('BAD_INPUT', `${flag} ${dir}: cannot create ${d} (${code ?? errorMessage(err)}); choose a writable folder`);
    }
  }
  return target;
}
