import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MITIGATIONS } from '../mitigations/catalog.ts';
import { FAULT_KINDS } from '../faults/catalog.ts';

/** The workload a scenario file names (read from its text, as the description is). */
function workloadOf(text: string): string {
  const named = /workload:\s*(['"`])([a-z-]+)\1/.exec(text)?.[2];
  if (named) return named;
  return /workload:\s*(async\b|\()/.test(text) ? 'script' : 'download';
}

/** `gomod-chaos list`: the scenarios in ./scenarios, every fault by layer, every mitigation. */
export function listing(scenarioDir = 'scenarios'): string {
  const lines: string[] = ['scenarios:'];
  let files: string[] = [];
  try {
    files = readdirSync(scenarioDir).filter((f) => /\.(ts|js|mjs)$/.test(f)).sort();
  } catch {
    lines.push(`  (no ${scenarioDir}/ folder here)`);
  }
  for (const file of files) {
    const text = readFileSync(join(scenarioDir, file), 'utf8');
    const description = /description:\s*(['"`])(.*?)\1/s.exec(text)?.[2]?.replace(/\s+/g, ' ') ?? '';
    lines.push(`  ${join(scenarioDir, file).padEnd(40)} ${workloadOf(text).padEnd(12)} ${description.slice(0, 100)}`);
  }
  lines.push('', 'faults (by layer):');
  for (const [layer, kinds] of Object.entries(FAULT_KINDS)) lines.push(`  ${layer.padEnd(7)} ${kinds.join(', ')}`);
  lines.push('', 'mitigations:');
  for (const m of Object.values(MITIGATIONS)) lines.push(`  ${m.name.padEnd(17)} ${m.description}`);
  return lines.join('\n') + '\n';
}
