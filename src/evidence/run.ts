/**
 * npm run evidence — runs the scenario library and writes reports/evidence/: the run's report
 * (report.md / .html / .json, results.jsonl) and, first, README.md with each field claim judged
 * from it. Committed as produced, never edited by hand.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { runScenarios } from '../commands/run.ts';
import { HarnessError, errorMessage } from '../errors.ts';
import { readResults } from '../report/results.ts';
import type { Report } from '../report/model.ts';
import { readRunFile, type RunFile } from '../runner/run-file.ts';
import { loadScenario, scenarioFiles } from '../scenario/load.ts';
import { EVIDENCE_LIBRARY, judgeClaims, type ClaimResult } from './claims.ts';

const SEED = 1;

function claimsMarkdown(results: readonly ClaimResult[], files: Record<string, string>): string {
  const lines = ['| # | claim (source) | verdict | evidence | reproduce |', '|---|---|---|---|---|'];
  results.forEach((r, i) => {
    const commands = r.scenarios.map((s) => `\`npx gomod-chaos run ${files[s] ?? `scenarios/${s}.ts`} --seed ${SEED}\``).join('<br>');
    lines.push(`| ${i + 1} | ${r.claim} (${r.source}) | **${r.verdict}** | ${r.evidence.replace(/\|/g, '\\|')} | ${commands} |`);
  });
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { reps: { type: 'string' }, out: { type: 'string' }, scenarios: { type: 'string' } } });
  const outDir = values.out ?? join('reports', 'evidence');
  const files = scenarioFiles(values.scenarios ? [values.scenarios] : EVIDENCE_LIBRARY);
  const scenarios = [];
  for (const file of files) scenarios.push(await loadScenario(file));
  // the evidence is regenerated whole: an old run would not be the same experiment
  for (const file of ['results.jsonl', 'run.json', 'report.md', 'report.json', 'report.html', 'junit.xml', 'results.csv', 'README.md', 'evidence.json']) {
    rmSync(join(outDir, file), { force: true });
  }
  const command = `npm run evidence${values.reps ? ` -- --reps ${values.reps}` : ''}`;
  await runScenarios({ scenarios, outDir, seed: SEED, quiet: true, command, ...(values.reps ? { reps: Number(values.reps) } : {}) });

  const report = JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) as Report;
  const { records } = readResults(join(outDir, 'results.jsonl'));
  const { results, missing } = judgeClaims({ report, records });
  const run: Partial<RunFile> = readRunFile(outDir) ?? {};
  const scenarioFile = Object.fromEntries(scenarios.map((s) => [s.name, relative(process.cwd(), s.file)]));
  const machine = run.machine ?? {};
  const text = [
    '# Evidence: the field\'s claims, measured',
    '',
    `Produced by \`${command}\` (seed ${SEED}) on ${String(machine['cpus'] ?? '?')} cores / ${String(machine['memoryGiB'] ?? '?')} GiB (${String(machine['cpuModel'] ?? '')}), ${run.go?.map((g) => `${g.version}${g.cgoBuild === false ? ' (static, CGO_ENABLED=0)' : ''}`).join(', ') ?? '?'}, Node ${String(machine['node'] ?? '?')}, started ${run.startedAt ?? '?'}${run.lanes ? `, ${run.lanes.parallel} lane(s)` : ''}${run.load ? ` (machine load median ${run.load.medianLoad1}, max ${run.load.maxLoad1})` : ''}. ${report.trials} trials over ${report.scenarios.length} scenarios. This folder is written by the command and never edited by hand.`,
    '',
    'Each claim of the two field articles (shared/SEED-CLAIMS.md) is judged from the scenario library run below. Verdicts of cells follow the report\'s rules: a rank test and a bootstrap interval of the median ratio must agree beyond ±5 %, failures by Fisher\'s exact test (Holm-adjusted, alpha 0.05). Times are go\'s own; `[low–high]` are 95 % intervals.',
    '',
    claimsMarkdown(results, scenarioFile),
    '',
    missing.length ? `Cells the claims looked for but the run did not have: ${missing.join(', ')}.\n` : '',
    'The full report of the run: [report.md](report.md) (tables), [report.html](report.html) (charts), [report.json](report.json), [results.jsonl](results.jsonl) (every trial).',
    '',
  ].join('\n');
  writeFileSync(join(outDir, 'README.md'), text);
  writeFileSync(join(outDir, 'evidence.json'), JSON.stringify({ seed: SEED, command, claims: results, missing }, null, 2) + '\n');
  process.stderr.write(`evidence: ${join(outDir, 'README.md')}\n`);
  if (!existsSync(join(outDir, 'report.html'))) throw new HarnessError('COMPONENT_START', 'the run wrote no report.html');
}

main().catch((err: unknown) => {
  process.stderr.write(`evidence: ${err instanceof HarnessError ? err.message : errorMessage(err)}\n`);
  process.exit(err instanceof HarnessError ? 2 : 1);
});
