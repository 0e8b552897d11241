// The Node version check every entry point runs first, before anything that needs a newer Node
// is loaded (undici, type stripping). Plain JavaScript that any Node since 14 can parse.
// Run directly (`node bin/require-node.js`) it exits 2 with one line when this Node is too old.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NEEDED = [22, 18];
export const NEEDED_TEXT = 'Node >= 22.18';

export function nodeIsRecentEnough(version) {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  return major > NEEDED[0] || (major === NEEDED[0] && minor >= NEEDED[1]);
}

/** The Node 24 binary that the `node` npm dependency installs, when its install script ran. */
export function bundledNode(fromUrl) {
  try {
    const pkg = createRequire(fromUrl).resolve('node/package.json');
    const bin = join(dirname(pkg), 'bin', 'node');
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

export function tooOldMessage(bundled, handedOver) {
  const found = `found ${process.version} (${process.execPath})`;
  let how;
  if (bundled && handedOver) how = `the Node in node_modules (${bundled}) is too old as well: run \`npm install\` again`;
  else if (bundled) how = `run it through npm (\`npm test\`, \`npx gomod-chaos\`), which puts the Node 24 of node_modules first, or with ${bundled}`;
  else how = 'no Node 24 in node_modules (did npm install skip install scripts? run `npm install` with scripts allowed) or install Node 24 from https://nodejs.org';
  return `gomod-chaos: needs ${NEEDED_TEXT}, ${found}; ${how}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && !nodeIsRecentEnough(process.version)) {
  process.stderr.write(`${tooOldMessage(bundledNode(import.meta.url))}\n`);
  process.exit(2);
}
