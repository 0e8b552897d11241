import { actedSummary, neverActed, neverActedWarning } from '../faults-acted.ts';
import type { Reporter } from './reporter.ts';
import { cellLabel, msInterval, pct, ratioInterval } from '../format.ts';

const xml = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** junit.xml: a test suite per scenario, a test case per cell; a regression against baseline is a failure. */
export const junitReporter: Reporter = {
  file: 'junit.xml',
  render(report) {
    const multipleGo = new Set(report.scenarios.flatMap((s) => s.cells.map((c) => c.goVersion))).size > 1;
    const suites = report.scenarios.map((scenario) => {
      const cases = scenario.cells.map((cell) => {
        const name = cellLabel(cell, multipleGo);
        const seconds = ((cell.time.median.value ?? 0) / 1000).toFixed(3);
        const summary = `success ${cell.ok}/${cell.n}, median ${msInterval(cell.time.median)}, failure rate ${pct(cell.failureRate.value)}, ratio ${ratioInterval(cell.vsBaseline?.ratio)}`;
        const v = cell.vsBaseline;
        const failure =
          v?.verdict === 'worse'
            ? `\n      <failure message="${xml(`regression against baseline: time ${v.timeVerdict}, failures ${v.failureVerdict}`)}">${xml(`${summary}; time: ${v.timeReason}; failures: ${v.failureReason}; Mann-Whitney p(adj) ${v.mannWhitneyPAdjusted ?? '-'}, Fisher p(adj) ${v.fisherPAdjusted}`)}</failure>`
            : '';
        const warnings = neverActed(cell.faultsActed).map((label) => `warning: ${neverActedWarning(cell, label)}`);
        const acted = Object.keys(cell.faultsActed ?? {}).length ? `; faults acted: ${actedSummary(cell.faultsActed)}` : '';
        const err = warnings.length ? `\n      <system-err>${xml(warnings.join('\n'))}</system-err>` : '';
        return `    <testcase classname="${xml(scenario.name)}" name="${xml(name)}" time="${seconds}">${failure}\n      <system-out>${xml(summary + acted)}</system-out>${err}\n    </testcase>`;
      });
      // each expectation of the scenario's `expect` block is a test case of its own
      for (const e of scenario.expectations ?? []) {
        const failure = e.ok ? '' : `\n      <failure message="${xml(`expectation failed: ${e.cell}: expected ${e.expected}, got ${e.actual}`)}">${xml(`expected ${e.expected}, got ${e.actual}`)}</failure>`;
        cases.push(`    <testcase classname="${xml(scenario.name)}" name="${xml(`expect ${e.cell} ${e.field}`)}" time="0">${failure}\n    </testcase>`);
      }
      const failures = scenario.cells.filter((c) => c.vsBaseline?.verdict === 'worse').length + (scenario.expectations ?? []).filter((e) => !e.ok).length;
      return `  <testsuite name="${xml(scenario.name)}" tests="${cases.length}" failures="${failures}">\n${cases.join('\n')}\n  </testsuite>`;
    });
    return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(`gomod-chaos: ${report.title}`)}">\n${suites.join('\n')}\n</testsuites>\n`;
  },
};
