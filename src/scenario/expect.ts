import { z } from 'zod';

/**
 * What a scenario states it shows, per cell (like k6 thresholds), checked after the run:
 * `expect: { baseline: { outcome: 'fail', failureClass: 'tcp-reset' }, 'mirror-list': { successRate: '>=0.95', medianMs: '<2000' } }`.
 */
const COMPARISON = /^(<=|>=|<|>|==|=)\s*(-?\d+(?:\.\d+)?)$/;
const comparison = (what: string) => z.string().regex(COMPARISON, `a comparison with a number, such as ">=0.95" or "<2000" (${what})`);

const cellExpectationSchema = z.strictObject({
  /** Every trial of the cell ends so (harness errors aside). */
  outcome: z.enum(['ok', 'fail', 'timeout']).optional(),
  /** Every failed or timed-out trial of the cell has this failure class. */
  failureClass: z.string().min(1).optional(),
  /** Share of the cell's trials that succeeded, from 0 to 1. */
  successRate: comparison('a share from 0 to 1').optional(),
  /** Median time of the cell in milliseconds (a censored median counts as larger than any number). */
  medianMs: comparison('milliseconds').optional(),
  /** Every fault the components count acted at least once over the cell's trials (none measured an unchanged network). */
  everyFaultActs: z.literal(true).optional(),
});

export const expectSchema = z.record(z.string().min(1), cellExpectationSchema);

type CellExpectation = z.infer<typeof cellExpectationSchema>;
export type Expectations = z.infer<typeof expectSchema>;

/** One checked statement: what the scenario expected, what the run measured. */
export interface ExpectationResult {
  cell: string;
  field: keyof CellExpectation;
  expected: string;
  actual: string;
  ok: boolean;
}

/** What the checker needs of a cell (a CellReport has it). */
export interface MeasuredCell {
  mitigation: string;
  n: number;
  ok: number;
  fail: number;
  timeout: number;
  harnessError: number;
  time: { median: { value: number | null } };
  failureClasses: Record<string, number>;
  faultsActed?: Record<string, { total: number }>;
}

export function compare(value: number, spec: string): boolean {
  const m = COMPARISON.exec(spec.trim());
  if (!m) return false;
  const bound = Number(m[2]);
  switch (m[1]) {
    case '<': return value < bound;
    case '<=': return value <= bound;
    case '>': return value > bound;
    case '>=': return value >= bound;
    default: return value === bound;
  }
}

function checkCell(name: string, want: CellExpectation, cell: MeasuredCell | undefined): ExpectationResult[] {
  const out: ExpectationResult[] = [];
  const add = (field: keyof CellExpectation, expected: string, actual: string, ok: boolean) => out.push({ cell: name, field, expected, actual, ok });
  const judged = cell ? cell.n - cell.harnessError : 0;
  for (const field of Object.keys(want) as Array<keyof CellExpectation>) {
    if (!cell || judged === 0) {
      add(field, String(want[field]), cell ? `only harness errors (${cell.harnessError})` : 'no trial of this cell', false);
      continue;
    }
    if (field === 'outcome') {
      const counts = { ok: cell.ok, fail: cell.fail, timeout: cell.timeout };
      const got = Object.entries(counts).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}/${judged}`).join(', ');
      add(field, `every trial ${want.outcome}`, got, counts[want.outcome!] === judged);
    } else if (field === 'failureClass') {
      const classes = Object.entries(cell.failureClasses);
      const failed = cell.fail + cell.timeout;
      const got = classes.length ? classes.map(([k, v]) => `${k} ×${v}`).join(', ') : 'no failure';
      add(field, `every failure ${want.failureClass}`, got, failed > 0 && (cell.failureClasses[want.failureClass!] ?? 0) === failed);
    } else if (field === 'successRate') {
      const rate = cell.ok / judged;
      add(field, `success rate ${want.successRate}`, `${(rate * 100).toFixed(0)}% (${cell.ok}/${judged})`, compare(rate, want.successRate!));
    } else if (field === 'everyFaultActs') {
      const counted = Object.entries(cell.faultsActed ?? {});
      const never = counted.filter(([, a]) => a.total === 0).map(([label]) => label);
      const got = counted.length === 0 ? 'no fault counted' : never.length ? `never acted: ${never.join(', ')}` : `all ${counted.length} acted`;
      add(field, 'every fault acts', got, counted.length > 0 && never.length === 0);
    } else if (field === 'medianMs') {
      const median = cell.time.median.value;
      const ok = median === null ? compare(Number.MAX_SAFE_INTEGER, want.medianMs!) && cell.timeout > 0 : compare(median, want.medianMs!);
      add(field, `median ${want.medianMs} ms`, median === null ? (cell.timeout > 0 ? 'censored (past the deadline)' : 'no successful trial') : `${Math.round(median)} ms`, ok);
    }
  }
  return out;
}

/** Checks a scenario's expectations against its measured cells (by mitigation name). */
export function checkExpectations(expect: Expectations | undefined, cells: readonly MeasuredCell[]): ExpectationResult[] {
  if (!expect) return [];
  return Object.entries(expect).flatMap(([name, want]) => checkCell(name, want, cells.find((c) => c.mitigation === name)));
}

/** One line per failed expectation, for stderr and reports. */
export function describeFailure(scenario: string, r: ExpectationResult): string {
  return `${scenario} ${r.cell}: expected ${r.expected}, got ${r.actual}`;
}
