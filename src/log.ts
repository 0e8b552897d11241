import { readFileSync } from 'node:fs';

/**
 * stderr is for progress and diagnostics; stdout is for results. Debug lines are enabled with
 * DEBUG=gomod-chaos:* (or a comma list of namespaces such as gomod-chaos:dns).
 */
const debugSpec = process.env['DEBUG'] ?? '';

function enabled(namespace: string): boolean {
  return debugSpec.split(',').some((pattern) => {
    const p = pattern.trim();
    if (p === '') return false;
    if (p.endsWith('*')) return namespace.startsWith(p.slice(0, -1));
    return p === namespace;
  });
}

export function debug(namespace: string): (...args: unknown[]) => void {
  const full = `gomod-chaos:${namespace}`;
  if (!enabled(full)) return () => {};
  return (...args) => process.stderr.write(`${full} ${args.map(String).join(' ')}\n`);
}

export function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** The last lines of a program's log file, on one line (for an error that names why it failed). */
export function logTail(file: string, lines = 3): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join(' | ') || '(nothing logged)';
  } catch {
    return '(no log)';
  }
}
