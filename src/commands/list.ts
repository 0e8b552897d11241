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

export interface Listing {
  scenarios: Array<{ file: string; workload: string; description: string }>;
  /** A note when there is no scenario folder here. */
  note?: string;
  faults: Record<string, readonly string[]>;
  mitigations: Array<{ name: string; description: string }>;
}

/** The scenarios in ./scenarios, every fault by layer, every mitigation (`list --json`). */
export function listData(scenarioDir = 'scenarios'): Listing {
  let files: string[] = [];
  let note: string | undefined;
  try {
    files = readdirSync(scenarioDir).filter((f) => /\.(ts|js|mjs)$/.test(f)).sort();
  } catch {
    note = `no ${scenarioDir}/ folder here`;
  }
  const scenarios = files.map((file) => {
    const text = readFileSync(join(scenarioDir, file), 'utf8');
    const description = /description:\s*(['"`])(.*?)\1/s.exec(text)?.[2]?.replace(/\s+/g, ' ') ?? '';
    return { file: join(scenarioDir, file), workload: workloadOf(text), description };
  });
  const mitigations = Object.values(MITIGATIONS).map((m) => ({ name: m.name, description: m.description }));
  return { scenarios, ...(note ? { note } : {}), faults: FAULT_KINDS, mitigations };
}

/** `gomod-chaos list`: the same as text. */
export function listing(scenarioDir = 'scenarios'): string {
  const data = listData(scenarioDir);
  const lines: string[] = ['scenarios:'];
  if (data.note) lines.push(`  (${data.note})`);
  for (const s of data.scenarios) lines.push(`  ${s.file.padEnd(40)} ${s.workload.padEnd(12)} ${s.description.slice(0, 100)}`);
  lines.push('', 'faults (by layer):');
  for (const [layer, kinds] of Object.entries(data.faults)) lines.push(`  ${layer.padEnd(7)} ${kinds.join(', ')}`);
  lines.push('', 'mitigations:');
  for (const m of data.mitigations) lines.push(`  ${m.name.padEnd(17)} ${m.description}`);
  return lines.join('\n') + '\n';
}
