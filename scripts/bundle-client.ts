// Bundles the report page's typed browser script (src/report/html/client.ts and what it imports)
// into one IIFE for report.html. `npm run build` writes dist/report/html/client.js; run from the
// sources, src/report/html.ts calls this script when that file is absent, for its stdout.
// usage: node scripts/bundle-client.ts [out.js]   (no argument: the bundle on stdout)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const ENTRY = fileURLToPath(new URL('../src/report/html/client.ts', import.meta.url));

async function bundle(): Promise<string> {
  const out = await build({
    input: ENTRY,
    write: false,
    logLevel: 'warn',
    output: { format: 'iife', minify: false, comments: { legal: false, annotation: false, jsdoc: false }, sourcemap: false },
  });
  const chunk = out.output.find((o) => o.type === 'chunk');
  if (!chunk || chunk.type !== 'chunk') throw new Error(`bundle-client: rolldown produced no chunk for ${ENTRY}`);
  return chunk.code;
}

const code = await bundle();
const target = process.argv[2];
if (target) writeFileSync(target, code);
else process.stdout.write(code);
