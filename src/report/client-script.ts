import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
let cached: string | undefined;

/**
 * The report page's script: dist/report/html/client.js, bundled by `npm run build` from the typed
 * modules of src/report/html/. Run from the sources (tests, `node src/cli.ts`), the same script
 * (scripts/bundle-client.ts, rolldown: a dev dependency) bundles them, once per version of the
 * sources: the bundle is kept in node_modules/.cache, keyed by their hash.
 */
export function clientScript(): string {
  cached ??= readBundle().replace(/<\/(script)/gi, '<\\/$1');
  return cached;
}

function readBundle(): string {
  const built = join(HERE, 'html', 'client.js');
  if (existsSync(built)) return readFileSync(built, 'utf8');
  const sources = join(HERE, 'html');
  const hash = createHash('sha256');
  for (const name of readdirSync(sources).filter((n) => n.endsWith('.ts')).sort()) hash.update(name).update(readFileSync(join(sources, name)));
  const cacheDir = join(HERE, '..', '..', 'node_modules', '.cache', 'gomod-chaos-report');
  const cacheFile = join(cacheDir, `client-${hash.digest('hex').slice(0, 16)}.js`);
  if (existsSync(cacheFile)) return readFileSync(cacheFile, 'utf8');
  const code = execFileSync(process.execPath, [join(HERE, '..', '..', 'scripts', 'bundle-client.ts')], { encoding: 'utf8', maxBuffer: 16 << 20 });
  // written by rename: test files running side by side may bundle at the same time; a cache that
  // cannot be written (a read-only checkout) only costs the next process another bundling
  try {
    mkdirSync(cacheDir, { recursive: true });
    const partial = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(partial, code);
    renameSync(partial, cacheFile);
  } catch {
    // not cached
  }
  return code;
}
