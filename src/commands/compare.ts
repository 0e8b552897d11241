import { existsSync, readFileSync } from 'node:fs';
import { HarnessError } from '../errors.ts';
import { compareCells, DEFAULT_SETTINGS } from '../report/build.ts';
import { REPORT_SCHEMA, VERDICT_WORDS, type CellReport, type Report, type ReportSettings } from '../report/model.ts';
import { ms, pct, ratioInterval } from '../report/format.ts';
import { AGAINST_SUFFIX } from '../runner/against.ts';

/**
 * Between-run drift bound of this machine: the ratio of the medians of two separate runs of the
 * same unchanged scenario stays within ±DEFAULT_DRIFT_BOUND (measured: 12 runs of clean at 20 reps
 * gave max/min of the run medians 1.32; `npm run bench:gate` measures it again and prints it).
 */
const DEFAULT_DRIFT_BOUND = 0.35;

/** Exit codes of `compare` (documented in the README). */
const COMPARE_EXIT = { pass: 0, regression: 1, inconclusive: 3 } as const;

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

export interface CompareOptions {
  settings?: Partial<ReportSettings>;
  /** Bound of the between-run drift for two separate runs (ignored within one run). */
  driftBound?: number;
  allowInconclusive?: boolean;
  /** Within one run, pair the trials (default). False: the two-sample test, as for separate runs (for bench:gate's comparison of the two). */
  paired?: boolean;
}

/** One compared cell, as `compare --json` prints it. */
interface ComparedCell {
  scenario: string;
  mitigation: string;
  goVersion: string;
  baseMedianMs: number | null;
  candidateMedianMs: number | null;
  baseFailureRate: number | null;
  candidateFailureRate: number | null;
  verdict: 'regression' | 'better' | 'no difference shown' | 'inconclusive';
  why: string;
  /** The time ratio candidate/base with its interval, the test that judged it and its Holm-adjusted p. */
  ratio: { value: number | null; low: number | null; high: number | null };
  timeTest: string;
  timeP: number | null;
}

export interface CompareResult {
  regressions: number;
  inconclusive: number;
  missing: string[];
  exitCode: number;
  text: string;
  /** The same rows for `compare --json`. */
  cells: ComparedCell[];
}

interface Row {
  scenario: string;
  cell: CellReport;
  base: CellReport;
}

const cellKey = (scenario: string, c: CellReport) => `${scenario}\u0000${c.mitigation}\u0000${c.goVersion}`;
const label = (scenario: string, c: CellReport) => `${scenario} ${c.mitigation} ${c.goVersion}`;

/** How many trials the run ran at once (run.json lanes.parallel; 1 for runs made before lanes). */
function lanesOf(report: Report): number {
  const lanes = report.run['lanes'] as { parallel?: unknown } | undefined;
  return typeof lanes?.parallel === 'number' ? lanes.parallel : 1;
}

/** Pairs every base cell with the candidate's cell of the same scenario, mitigation and go version. */
function pairCells(base: Array<{ name: string; cells: CellReport[] }>, candidate: Array<{ name: string; cells: CellReport[] }>): { rows: Row[]; missing: string[]; extra: string[] } {
  const candCells = new Map(candidate.flatMap((s) => s.cells.map((c) => [cellKey(s.name, c), c] as const)));
  const baseKeys = new Set(base.flatMap((s) => s.cells.map((c) => cellKey(s.name, c))));
  const rows: Row[] = [];
  const missing: string[] = [];
  for (const s of base) {
    for (const b of s.cells) {
      const c = candCells.get(cellKey(s.name, b));
      if (c) rows.push({ scenario: s.name, cell: structuredClone(c), base: b });
      else missing.push(label(s.name, b));
    }
  }
  const extra = candidate.flatMap((s) => s.cells.filter((c) => !baseKeys.has(cellKey(s.name, c))).map((c) => label(s.name, c)));
  return { rows, missing, extra };
}

/** A run made with `run <candidate> --against <base>`: its base scenarios, renamed back to the candidate's names. */
function withinRun(report: Report): { base: Report['scenarios']; candidate: Report['scenarios'] } {
  const base = report.scenarios.filter((s) => s.name.endsWith(AGAINST_SUFFIX)).map((s) => ({ ...s, name: s.name.slice(0, -AGAINST_SUFFIX.length) }));
  const names = new Set(base.map((s) => s.name));
  return { base, candidate: report.scenarios.filter((s) => names.has(s.name)) };
}

/**
 * `gomod-chaos compare <base report.json> <candidate report.json>` (two separate runs) or
 * `gomod-chaos compare <report.json>` (a run made with --against: base and candidate interleaved).
 * Exit 0 only when every base cell was compared and decided and none regressed; 1 on a regression;
 * 3 when a cell is inconclusive or missing from the candidate (unless allowInconclusive).
 */
export function compareReports(paths: readonly string[], options: CompareOptions = {}): CompareResult {
  const settings: ReportSettings = { ...DEFAULT_SETTINGS, ...options.settings };
  const single = paths.length === 1;
  const reports = paths.map(loadReport);
  const sides = single ? withinRun(reports[0]!) : { base: reports[0]!.scenarios, candidate: reports[1]!.scenarios };
  if (single && sides.base.length === 0) throw new HarnessError('BAD_INPUT', `${paths[0]}: not a run made with --against (no "<scenario>${AGAINST_SUFFIX}" in it); compare two reports: gomod-chaos compare <base report.json> <candidate report.json>`);
  const { rows, missing, extra } = pairCells(sides.base, sides.candidate);
  if (rows.length === 0) throw new HarnessError('BAD_INPUT', `${paths.join(' and ')} have no cell in common (scenario, mitigation, go version): compare runs of the same scenarios`);
  const driftBound = single ? null : (options.driftBound ?? DEFAULT_DRIFT_BOUND);
  compareCells(rows, settings, undefined, { driftBound, paired: single && options.paired !== false });
  const lines = [
    `gomod-chaos compare: ${single ? `${paths[0]} (base and candidate interleaved in one run)` : `${paths[0]} -> ${paths[1]}`} (alpha ${settings.alpha}, minimum effect ${settings.threshold * 100}%)`,
    driftBound !== null
      ? `separate runs, no control: a time ratio within the between-run drift bound ±${Math.round(driftBound * 100)}% is inconclusive (--drift; run the candidate --against the base for a tighter gate)`
      : `one run: base and candidate trials interleaved${options.paired === false ? '' : '; times compared pair by pair (the k-th base trial with the k-th candidate trial, Wilcoxon signed-rank on the log-ratios)'}, so machine drift falls on both alike`,
    '',
    '| scenario | cell | base median | candidate median | ratio [95% CI] | base failures | candidate failures | verdict | why |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const regressed: string[] = [];
  const cells: ComparedCell[] = [];
  let inconclusive = 0;
  for (const { scenario, cell, base: b } of rows) {
    const v = cell.vsBaseline!;
    if (v.verdict === 'inconclusive') inconclusive++;
    const worse = [v.timeVerdict === 'worse' ? `time (${v.timeReason}; ${v.timeTest === 'paired-wilcoxon' ? 'Wilcoxon signed-rank' : 'Mann-Whitney'} p(Holm) ${(v.timePAdjusted ?? v.mannWhitneyPAdjusted)?.toPrecision(2) ?? '-'})` : '', v.failureVerdict === 'worse' ? `failure rate (${v.failureReason})` : ''].filter(Boolean);
    if (v.verdict === 'worse') regressed.push(`${label(scenario, cell)}: ${worse.join('; ')}`);
    const why = v.verdict === 'worse' ? worse.map((w) => w.split(' ')[0]).join(' and ') + ' regressed' : [v.timeVerdict === v.verdict ? `time: ${v.timeReason}` : '', v.failureVerdict === v.verdict ? `failures: ${v.failureReason}` : ''].filter(Boolean).join('; ');
    const verdict = v.verdict === 'worse' ? 'REGRESSION' : VERDICT_WORDS[v.verdict];
    cells.push({ scenario, mitigation: cell.mitigation, goVersion: cell.goVersion, baseMedianMs: b.time.median.value, candidateMedianMs: cell.time.median.value, baseFailureRate: b.failureRate.value, candidateFailureRate: cell.failureRate.value, verdict: v.verdict === 'worse' ? 'regression' : v.verdict === 'better' ? 'better' : v.verdict === 'inconclusive' ? 'inconclusive' : 'no difference shown', why, ratio: v.ratio, timeTest: v.timeTest ?? 'mann-whitney', timeP: v.timePAdjusted ?? v.mannWhitneyPAdjusted });
    lines.push(`| ${scenario} | ${cell.mitigation} ${cell.goVersion} | ${ms(b.time.median.value)} | ${ms(cell.time.median.value)} | ${ratioInterval(v.ratio)} | ${pct(b.failureRate.value)} | ${pct(cell.failureRate.value)} | ${verdict} | ${why} |`);
  }
  const lanes = reports.map(lanesOf);
  if (!single && lanes[0] !== lanes[1]) lines.push('', `different lane counts: the base ran ${lanes[0]} trial(s) at once, the candidate ${lanes[1]}; lanes shift medians (bench:parallel measures by how much): run both with the same --parallel`);
  if (missing.length) lines.push('', `MISSING from the candidate (not compared; a shard or an interrupted run?): ${missing.join('; ')}`);
  if (extra.length) lines.push('', `not in the base (not compared): ${extra.join('; ')}`);
  if (regressed.length) lines.push('', ...regressed.map((r) => `REGRESSION ${r}`));
  const undecided = inconclusive + missing.length;
  const exitCode = regressed.length ? COMPARE_EXIT.regression : undecided && !options.allowInconclusive ? COMPARE_EXIT.inconclusive : COMPARE_EXIT.pass;
  lines.push('', `${regressed.length} regression(s), ${inconclusive} inconclusive, ${missing.length} missing, ${rows.length - regressed.length - inconclusive} decided without regression -> exit ${exitCode}${undecided && options.allowInconclusive ? ' (--allow-inconclusive)' : ''}`);
  return { regressions: regressed.length, inconclusive, missing, exitCode, text: lines.join('\n') + '\n', cells };
}
