import type { TrialRecord } from '../../runner/record.ts';
import type { Report } from '../model.ts';

/** One output of a run's report (json, markdown, html, junit, csv): a file in the run folder. */
export interface Reporter {
  file: string;
  render(report: Report, records: readonly TrialRecord[]): string;
}
