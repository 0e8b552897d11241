import { VERDICT_WORDS, type Report } from '../model.ts';
import { partialNotice } from '../run-facts.ts';
import { actedSummary, neverActed, neverActedWarning } from '../faults-acted.ts';
import type { Reporter } from './reporter.ts';
import type { TrialRecord } from '../../runner/record.ts';
import { trialLogsMarkdown } from '../trial-logs-render.ts';
import { cellLabel, formatPercent, formatPercentTenths, intervalText, msInterval, ms, pct, ratioInterval, successRate, topFailures } from '../format.ts';

/** report.md: per scenario one table, readable pasted into an issue or an incident review. */
export const markdownReporter: Reporter = {
  file: 'report.md',
  render(report: Report, records: readonly TrialRecord[]): string {
    const goVersions = new Set(report.scenarios.flatMap((s) => s.cells.map((c) => c.goVersion)));
    const multipleGo = goVersions.size > 1;
    const lines = [`# gomod-chaos: ${report.title}`, ''];
    const run = report.run as { command?: string; startedAt?: string; machine?: { cpus?: number; memoryGiB?: number; cpuModel?: string } };
    lines.push(`${report.trials} trials, ${[...goVersions].join(', ')}${run.machine ? `, ${run.machine.cpus} cores / ${run.machine.memoryGiB} GiB` : ''}. Verdicts against each scenario's baseline: Mann-Whitney U and Fisher's exact test (Holm-adjusted, alpha ${report.settings.alpha}) and a bootstrap interval of the median ratio, beyond ±${formatPercentTenths(report.settings.threshold)}; inconclusive when the sample cannot decide.`);
    if (run.command) lines.push('', `Command: \`${run.command}\``);
    const lanes = lanesLine(report.run, records);
    if (lanes) lines.push('', lanes);
    const partial = partialNotice(report.run, report.trials);
    if (partial) lines.push('', `> **${partial}**`);
    if (report.skippedLines.length) lines.push('', `> ${report.skippedLines.length} line(s) of results.jsonl could not be read and were skipped: ${report.skippedLines.slice(0, 3).join('; ')}`);
    for (const scenario of report.scenarios) {
      lines.push('', `## ${scenario.name}`, '');
      if (scenario.description) lines.push(scenario.description, '');
      lines.push(
        '| mitigation | success rate [95% CI] | median [95% CI] | p95 | ratio to baseline [95% CI] | verdict | DNS q/trial | conns/trial | h2 share | failure classes |',
        '|---|---|---|---|---|---|---|---|---|---|',
      );
      for (const cell of scenario.cells) {
        const success = cell.failureRate.value === null ? '-' : `${intervalText(successRate(cell.failureRate), formatPercent)} (${cell.ok}/${cell.n})`;
        const verdict = verdictCell(cell);
        lines.push(
          `| ${cellLabel(cell, multipleGo)} | ${success} | ${msInterval(cell.time.median)} | ${ms(cell.time.p95)} | ${ratioInterval(cell.vsBaseline?.ratio)} | ${verdict} | ${cell.seen.dnsQueries.toFixed(1)} | ${cell.seen.connections.toFixed(1)} | ${pct(cell.seen.h2Share)} | ${topFailures(cell)} |`,
        );
      }
      lines.push(...expectationLines(scenario), ...faultLines(scenario));
      const setups = scenario.cells.filter((c) => c.seen.mitigationSetupMs !== null);
      if (setups.length) lines.push('', `Setup work before go started (median): ${setups.map((c) => `${c.mitigation} ${ms(c.seen.mitigationSetupMs)}`).join(', ')}.`);
      lines.push(...trialLogsMarkdown(scenario));
    }
    return lines.join('\n') + '\n';
  },
};

/** The verdict word, with the reason when the sample cannot decide; the baseline row says so only if it is one. */
function verdictCell(cell: Report['scenarios'][number]['cells'][number]): string {
  const v = cell.vsBaseline;
  if (!v) return cell.mitigation === 'baseline' ? '(baseline)' : '(no baseline trial)';
  const why = v.verdict === 'inconclusive' ? ` (${v.timeVerdict === 'inconclusive' ? v.timeReason : v.failureReason})` : '';
  return `**${VERDICT_WORDS[v.verdict]}**${why}`;
}

/** The scenario's `expect` block as checked, failed ones first. */
function expectationLines(scenario: Report['scenarios'][number]): string[] {
  const results = scenario.expectations ?? [];
  if (results.length === 0) return [];
  const failed = results.filter((r) => !r.ok);
  const head = failed.length ? `**Expectations: ${failed.length} of ${results.length} FAILED**` : `Expectations: all ${results.length} met`;
  return ['', head, '', ...[...failed, ...results.filter((r) => r.ok)].map((r) => `- ${r.ok ? 'met' : '**FAILED**'} ${r.cell}: expected ${r.expected}, got ${r.actual}`)];
}

/** Per cell, how many times each fault acted; a fault that never acted in a cell is a warning. */
function faultLines(scenario: Report['scenarios'][number]): string[] {
  const cells = scenario.cells.filter((c) => Object.keys(c.faultsActed ?? {}).length);
  if (cells.length === 0) return [];
  const warnings = cells.flatMap((c) => neverActed(c.faultsActed).map((label) => `> **warning**: ${neverActedWarning(c, label)}`));
  return ['', `Faults acted (times, over the cell's trials): ${cells.map((c) => `${c.mitigation}: ${actedSummary(c.faultsActed)}`).join('; ')}.`, ...(warnings.length ? ['', ...warnings] : [])];
}

/** How the trials were admitted: how many held the CPU token, how long trials waited to start. */
function admissionSummary(records: readonly TrialRecord[]): string {
  const admitted = records.filter((r) => r.admission);
  if (admitted.length === 0) return '';
  const held = admitted.filter((r) => r.admission!.cpu);
  const waits = admitted.map((r) => r.admission!.waitedMs).sort((a, b) => a - b);
  const capped = held.filter((r) => r.admission!.capped).length;
  const total = waits.reduce((a, b) => a + b, 0);
  return `${held.length} of ${admitted.length} trials ran as CPU-bound${capped ? ` (${capped} let the token go at the cap)` : ''}; waiting to start took ${ms(total)} in all, at most ${ms(waits.at(-1)!)} for one trial (not in any trial's times).`;
}

/** How many sandboxes ran at once, how trials were admitted across them, how loaded the machine was (run.json lanes / load). */
function lanesLine(run: Record<string, unknown>, records: readonly TrialRecord[]): string | null {
  const lanes = run['lanes'] as { parallel: number; chosen: string; reason: string; admission?: string } | undefined;
  const load = run['load'] as { medianLoad1: number; maxLoad1: number; cores: number } | undefined;
  if (!lanes && !load) return null;
  const parts = [];
  if (lanes) parts.push(`Lanes: ${lanes.parallel} sandbox(es) at once (${lanes.chosen}: ${lanes.reason}).`);
  if (lanes?.admission) parts.push(`Admission: ${lanes.admission}. ${admissionSummary(records)}`);
  if (load) parts.push(`Machine load during the run (1-min average): median ${load.medianLoad1}, max ${load.maxLoad1} on ${load.cores} cores.`);
  return parts.join(' ');
}
