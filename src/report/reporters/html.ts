import { renderHtml } from '../html.ts';
import type { Reporter } from './reporter.ts';

/** report.html: one self-contained file with charts and sortable tables (no network needed). */
export const htmlReporter: Reporter = {
  file: 'report.html',
  render: (report, _records, traces) => renderHtml(report, traces),
};
