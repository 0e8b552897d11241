import { existsSync, readFileSync } from 'node:fs';
import { HarnessError } from '../errors.ts';
import { compareCells, DEFAULT_SETTINGS } from '../report/build.ts';
import { REPORT_SCHEMA, type CellReport, type Report, type ReportSettings } from '../report/model.ts';
import { ms, pct, ratioInterval } from '../report/reporters/format.ts';

function loadReport(path: string): Report {
  if (!existsSync(path)) throw new HarnessError('BAD_INPUT', `${path}: no such report (give the report.json of a run folder)`);
  let report: Report;
  try {
    report = JSON.parse(readFileSync(path, 'utf8')) as Report;
  } catch {
    throw new HarnessError('BAD_INPUT', `${path}: not a JSON report`);
  }
  if (report.reportSchema !== REPORT_SCHEMA) {
    throw new HarnessError('BAD_INPUT', `${path}: reportSchema ${JSON.stringify(report.reportSchema)} is not one this version reads (${REPORT_SCHEMA}): rebuild it with \`gomod-chaos report <run folder>\``);
  }
  return report;
}

interface ComparedCell {
  scenario: string;
  mitigation: string;
  goVersion: string;
  baseMedianMs: number | null;
  candidateMedianMs: number | null;
  baseFailureRate: number | null;
  candidateFailureRate: number | null;
  verdict: 'regression' | 'better' | 'same';
}

export interface CompareResult {
  regressions: number;
  text: string;
  /** The same rows for `compare --json`. */
  cells: Array<ComparedCell>;
}

/**
 * `gomod-chaos compare <base report.json> <candidate report.json>`: every cell both reports have,
 * the candidate against the base with the same tests as a report's verdicts. A regression (in
 * time or failure rate) makes the exit status 1: a CI gate for a proxy setup.
 */
export function compareReports(basePath: string, candidatePath: string, overrides: Partial<ReportSettings> = {}): CompareResult {
  const base = loadReport(basePath);
  const candidate = loadReport(candidatePath);
  const settings: ReportSettings = { ...DEFAULT_SETTINGS, ...overrides };
  const key = (scenario: string, c: CellReport) => `${scenario}\u0000${c.mitigation}\u0000${c.goVersion}`;
  const baseCells = new Map(base.scenarios.flatMap((s) => s.cells.map((c) => [key(s.name, c), c] as const)));
  const rows: Array<{ scenario: string; cell: CellReport; base: CellReport }> = [];
  const unmatched: string[] = [];
  for (const scenario of candidate.scenarios) {
    for (const cell of scenario.cells) {
      const b = baseCells.get(key(scenario.name, cell));
      if (b) rows.push({ scenario: scenario.name, cell: structuredClone(cell), base: b });
      else unmatched.push(`${scenario.name} ${cell.mitigation} ${cell.goVersion}`);
    }
  }
  if (rows.length === 0) throw new HarnessError('BAD_INPUT', `${basePath} and ${candidatePath} have no cell in common (scenario, mitigation, go version): compare runs of the same scenarios`);
  compareCells(rows, settings);
  const lines = [
    `gomod-chaos compare: ${basePath} -> ${candidatePath} (alpha ${settings.alpha}, threshold ${settings.threshold * 100}%)`,
    '',
    '| scenario | cell | base median | candidate median | ratio [95% CI] | base failures | candidate failures | verdict |',
    '|---|---|---|---|---|---|---|---|',
  ];
  let regressions = 0;
  const cells: ComparedCell[] = [];
  for (const { scenario, cell, base: b } of rows) {
    const v = cell.vsBaseline!;
    const verdict = v.verdict === 'worse' ? 'REGRESSION' : v.verdict === 'better' ? 'better' : '~';
    if (v.verdict === 'worse') regressions++;
    cells.push({ scenario, mitigation: cell.mitigation, goVersion: cell.goVersion, baseMedianMs: b.time.median.value, candidateMedianMs: cell.time.median.value, baseFailureRate: b.failureRate.value, candidateFailureRate: cell.failureRate.value, verdict: v.verdict === 'worse' ? 'regression' : v.verdict === 'better' ? 'better' : 'same' });
    lines.push(`| ${scenario} | ${cell.mitigation} ${cell.goVersion} | ${ms(b.time.median.value)} | ${ms(cell.time.median.value)} | ${ratioInterval(v.ratio)} | ${pct(b.failureRate.value)} | ${pct(cell.failureRate.value)} | ${verdict} |`);
  }
  if (unmatched.length) lines.push('', `not in the base (not compared): ${unmatched.join('; ')}`);
  lines.push('', regressions ? `${regressions} regression(s)` : 'no regression');
  return { regressions, text: lines.join('\n') + '\n', cells };
}
