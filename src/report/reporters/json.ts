import type { Reporter } from './reporter.ts';

/** report.json: the whole report model (see report/model.ts), versioned by reportSchema. */
export const jsonReporter: Reporter = {
  file: 'report.json',
  render: (report) => JSON.stringify(report, null, 2) + '\n',
};
