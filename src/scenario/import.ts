import { spawnSync } from 'node:child_process';
import { registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';
import { errorMessage } from '../errors.ts';

/**
 * The running harness's public API (src/index.ts from source, dist/index.js when installed).
 * A scenario file anywhere writes `import { defineScenario } from 'gomod-chaos'`: the resolve hook
 * below answers that bare name with this module, so the file needs no gomod-chaos in its own
 * node_modules and always gets the harness that runs it (never a second, other version).
 */
const HARNESS_API = new URL(import.meta.url.endsWith('.ts') ? '../index.ts' : '../index.js', import.meta.url).href;
const PACKAGE = 'gomod-chaos';

let hooked = false;
function hookHarnessSpecifier(): void {
  if (hooked) return;
  hooked = true;
  // registerHooks runs in this thread, synchronously (module.register would start a loader thread).
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier === PACKAGE) return { url: HARNESS_API, shortCircuit: true };
      return nextResolve(specifier, context);
    },
  });
}

/** file:line:column of a syntax error, from the error's own frame or from `node --check`. */
function syntaxErrorLocation(file: string, err: unknown): string | undefined {
  const stack = err instanceof Error ? (err.stack ?? '') : '';
  // type stripping reports "<file>:<line>\n<source line>\n<spaces>^": the caret gives the column
  const own = /^(?:file:\/\/)?(\/[^\n]*):(\d+)\n(?:[^\n]*\n)+?( *)\^/.exec(stack);
  if (own) return `${file}:${own[2]}:${own[3]!.length + 1}`;
  const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8', timeout: 10_000 });
  const viaCheck = /^[^\n]*:(\d+)\n[^\n]*\n( *)\^/.exec(check.stderr ?? '');
  return viaCheck ? `${file}:${viaCheck[1]}:${viaCheck[2]!.length + 1}` : undefined;
}

/** Imports a scenario file with `gomod-chaos` resolved to this harness. */
export async function importScenario(file: string): Promise<{ default?: unknown }> {
  hookHarnessSpecifier();
  return (await import(pathToFileURL(file).href)) as { default?: unknown };
}

/** One line for a scenario that failed to import: where (file:line:column when known) and why. */
export function importFailure(path: string, file: string, err: unknown): string {
  const first = errorMessage(err).split('\n')[0];
  const where = err instanceof SyntaxError ? syntaxErrorLocation(file, err)?.replace(file, path) : undefined;
  return `cannot load scenario ${where ?? path}: ${first} (fix the file; it must \`export default defineScenario({...})\`)`;
}
