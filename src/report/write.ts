import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrialRecord } from '../runner/record.ts';
import { summarize, summaryMarkdown, type MitigationSummary } from './summary.ts';

export interface RunInfo {
  title: string;
  seed?: number;
  goVersions: string[];
  interrupted: boolean;
  descriptions?: Record<string, string>;
}

/** report.md and report.json from the trial records (per scenario, one row per cell). */
export function writeReports(outDir: string, records: readonly TrialRecord[], info: RunInfo): string {
  const scenarios = [...new Set(records.map((r) => r.scenario))];
  const sections: string[] = [`# gomod-chaos: ${info.title}\n`];
  const json: Array<{ scenario: string; cells: MitigationSummary[] }> = [];
  for (const scenario of scenarios) {
    const rows = summarize(records.filter((r) => r.scenario === scenario), info.goVersions.length > 1);
    json.push({ scenario, cells: rows });
    const description = info.descriptions?.[scenario];
    const n = records.filter((r) => r.scenario === scenario).length;
    sections.push(`${description ? `${description}\n\n` : ''}${summaryMarkdown(`${scenario}: ${n} trials, ${info.goVersions.join(', ')}${info.seed !== undefined ? `, seed ${info.seed}` : ''}`, rows)}`);
  }
  if (info.interrupted) sections.push('_The run was interrupted: these are the trials measured so far._\n');
  const markdown = sections.join('\n');
  writeFileSync(join(outDir, 'report.md'), markdown);
  writeFileSync(join(outDir, 'report.json'), JSON.stringify({ reportSchema: 0, title: info.title, goVersions: info.goVersions, trials: records.length, interrupted: info.interrupted, scenarios: json }, null, 2));
  return markdown;
}
