import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrialRecord } from '../runner/record.ts';
import { readRunFile } from '../runner/run-file.ts';
import { buildReport } from './build.ts';
import type { Expectations } from '../scenario/expect.ts';
import type { Report, ReportSettings } from './model.ts';
import { readResults } from './results.ts';
import { csvReporter } from './reporters/csv.ts';
import { htmlReporter } from './reporters/html.ts';
import { jsonReporter } from './reporters/json.ts';
import { junitReporter } from './reporters/junit.ts';
import { markdownReporter } from './reporters/markdown.ts';
import type { Reporter } from './reporters/reporter.ts';
import { chromeTrace } from '../trace/chrome.ts';
import { readTraces } from '../trace/file.ts';

/** Every output of a run folder; add a reporter here and every run and `report` writes it. */
export const REPORTERS: readonly Reporter[] = [jsonReporter, markdownReporter, htmlReporter, junitReporter, csvReporter];

export interface WriteOptions {
  title?: string;
  settings?: Partial<ReportSettings>;
}

/**
 * Builds the report of a run folder from its results.jsonl (and run.json) and writes every
 * output. `gomod-chaos report <dir>` is exactly this.
 */
export function writeReports(outDir: string, options: WriteOptions = {}): { report: Report; records: TrialRecord[]; markdown: string } {
  const { records, problems } = readResults(join(outDir, 'results.jsonl'));
  const run = readRunFile(outDir);
  const scenarios = run?.scenarios ?? [];
  const title = options.title ?? (scenarios.length === 1 ? scenarios[0]!.name : `${scenarios.length || new Set(records.map((r) => r.scenario)).size} scenarios`);
  const report = buildReport(records, run ?? {}, {
    title,
    skippedLines: problems,
    descriptions: Object.fromEntries(scenarios.map((s) => [s.name, s.description ?? ''])),
    // the scenarios' `expect` blocks, as run.json keeps them (checked against the cells)
    expectations: Object.fromEntries(scenarios.map((s) => [s.name, s['expect'] as Expectations | undefined])),
    ...(options.settings ? { settings: options.settings } : {}),
  });
  let markdown = '';
  const { traces } = readTraces(outDir);
  // the whole run's spans for Perfetto / chrome://tracing (`gomod-chaos trace` exports one trial, or HAR)
  if (traces.length) writeFileSync(join(outDir, 'trace.json'), JSON.stringify(chromeTrace(traces)));
  for (const reporter of REPORTERS) {
    const text = reporter.render(report, records, traces);
    if (reporter === markdownReporter) markdown = text;
    writeFileSync(join(outDir, reporter.file), text);
  }
  return { report, records, markdown };
}
