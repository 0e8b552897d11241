import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { HarnessError } from '../errors.ts';
import { ensureOutDir } from '../out-dir.ts';
import { exampleScenario, workflow } from './init-templates.ts';

const DEFAULT_SHARDS = 4;

/** The module path of a go.mod in dir, if any ("for the user's project"). */
function goModule(dir: string): string | undefined {
  const goMod = join(dir, 'go.mod');
  if (!existsSync(goMod)) return undefined;
  return /^module\s+(\S+)/m.exec(readFileSync(goMod, 'utf8'))?.[1];
}

/**
 * `gomod-chaos init`: writes chaos/slow-link.ts and .github/workflows/gomod-chaos.yml into a
 * repository. Never replaces a file (one line, exit 2), unless force.
 */
export function init(dir: string, options: { version: string; shards?: number; force?: boolean }): string[] {
  const shards = options.shards ?? DEFAULT_SHARDS;
  const files = [
    { path: join(dir, 'chaos', 'slow-link.ts'), text: exampleScenario(goModule(dir)) },
    { path: join(dir, '.github', 'workflows', 'gomod-chaos.yml'), text: workflow(options.version, shards) },
  ];
  const existing = files.filter((f) => existsSync(f.path)).map((f) => relative(dir, f.path) || f.path);
  if (existing.length && !options.force) {
    throw new HarnessError('BAD_INPUT', `init: ${existing.join(', ')} already exist: nothing written (add --force to replace them)`);
  }
  for (const f of files) {
    ensureOutDir(dirname(f.path), 'init');
    writeFileSync(f.path, f.text);
  }
  return files.map((f) => f.path);
}
