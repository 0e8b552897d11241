// What the page's script reads from the page: plain types, no Node import (the browser code is
// type-checked with the DOM library, apart from the rest; the server side checks the report fits).
import type { TrialTrace } from '../../trace/schema.ts';

/** The fields of a report cell the charts use. */
export interface PageCell {
  mitigation: string;
  goVersion: string;
  n: number;
  fail: number;
  timeout: number;
  durationsMs: number[];
  failureClasses: Record<string, number>;
}

/** #report-data: the report, as far as the charts read it. */
export interface PageReport {
  scenarios: Array<{ cells: PageCell[] }>;
}

/** #trace-data: one waterfall of the page, a trial of a cell chosen as the cell's median or slowest. */
export interface WaterfallTrial {
  scenario: number;
  cell: string;
  which: 'median' | 'slowest';
  trace: TrialTrace;
}
