import { escapeHtml } from './escape-html.ts';
import type { CellReport, ScenarioReport } from './model.ts';
import type { TrialLog } from './trial-logs.ts';

function heading(log: TrialLog): string {
  const how = log.outcome === 'ok' ? `ok in ${Math.round(log.durationMs)} ms` : `${log.outcome}${log.failureClass ? ` (${log.failureClass})` : ''}`;
  return `trial ${log.trial}, ${log.why === 'median' ? 'the median' : 'failing'}: ${how}`;
}

function withLogs(s: ScenarioReport): CellReport[] {
  return s.cells.filter((c) => c.trialLogs?.length);
}

/** Indented code: nothing in a log line can end it or be read as Markdown or HTML. */
function codeBlock(lines: readonly string[]): string[] {
  return [...(lines.length ? lines : ['(nothing logged)']).map((l) => `    ${l}`), ''];
}

/** report.md: per cell, the logs of its median and failing trials, folded. */
export function trialLogsMarkdown(s: ScenarioReport): string[] {
  const out: string[] = [];
  for (const cell of withLogs(s)) {
    out.push('', `<details><summary>Logs of ${cell.mitigation} (${cell.goVersion}): median and failing trials</summary>`, '');
    for (const log of cell.trialLogs ?? []) {
      out.push(`**${heading(log)}**`, '');
      if (log.message) out.push(...codeBlock(log.message.split('\n')));
      for (const [name, lines] of Object.entries(log.components)) out.push(`${name}:`, '', ...codeBlock(lines));
    }
    out.push('</details>');
  }
  return out;
}

/** report.html: the same, escaped. */
export function renderTrialLogs(s: ScenarioReport): string {
  const cells = withLogs(s).map((cell) => {
    const trials = (cell.trialLogs ?? []).map((log) => {
      const message = log.message ? `<pre class="log harness-error">${escapeHtml(log.message)}</pre>` : '';
      const parts = Object.entries(log.components).map(([name, lines]) => `<p>${escapeHtml(name)}:</p><pre class="log">${escapeHtml(lines.length ? lines.join('\n') : '(nothing logged)')}</pre>`);
      return `<h4>${escapeHtml(heading(log))}</h4>${message}${parts.join('')}`;
    });
    return `<details class="trial-logs"><summary>Logs of ${escapeHtml(cell.mitigation)} (${escapeHtml(cell.goVersion)}): median and failing trials</summary>${trials.join('')}</details>`;
  });
  return cells.join('\n');
}
