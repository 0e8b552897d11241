import type { TrialRecord } from '../../runner/record.ts';
import type { Report } from '../model.ts';
import type { TrialTrace } from '../../trace/schema.ts';

/** One output of a run's report (json, markdown, html, junit, csv): a file in the run folder. */
export interface Reporter {
  file: string;
  /** `traces`: the run's trace.jsonl (the html report draws waterfalls from it). */
  render(report: Report, records: readonly TrialRecord[], traces?: readonly TrialTrace[]): string;
}
