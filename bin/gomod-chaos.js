#!/usr/bin/env node
// Runs on any Node: on one older than 22.18 it hands over to the Node 24 that the `node` npm
// dependency installed (so a global install or `node bin/gomod-chaos.js` on Node 20 works too),
// or prints one line saying what is needed. Nothing that needs a newer Node is imported before.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { bundledNode, nodeIsRecentEnough, tooOldMessage } from './require-node.js';

const HANDED_OVER = 'GOMOD_CHAOS_HANDED_OVER';

function handOver(node) {
  const env = Object.assign({}, process.env, { [HANDED_OVER]: '1' });
  const child = spawn(node, [fileURLToPath(import.meta.url)].concat(process.argv.slice(2)), { stdio: 'inherit', env });
  // Ctrl-C reaches both processes (same process group): the child handles it, this one waits.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code !== null ? code : 128 + (constants.signals[signal] || 0)));
  child.on('error', (err) => {
    process.stderr.write(`gomod-chaos: cannot start ${node}: ${err.message}\n`);
    process.exit(2);
  });
}

if (nodeIsRecentEnough(process.version)) {
  delete process.env[HANDED_OVER];
  const cli = new URL('../dist/cli.js', import.meta.url);
  if (!existsSync(fileURLToPath(cli))) {
    process.stderr.write(`gomod-chaos: ${fileURLToPath(cli)} is missing: run \`npm run build\` in ${fileURLToPath(new URL('..', import.meta.url))}\n`);
    process.exit(2);
  }
  await import(cli.href);
} else {
  const bundled = bundledNode(import.meta.url);
  if (bundled && !process.env[HANDED_OVER]) handOver(bundled);
  else {
    process.stderr.write(`${tooOldMessage(bundled, Boolean(process.env[HANDED_OVER]))}\n`);
    process.exit(2);
  }
}
