import { escapeHtml } from './escape-html.ts';
import { actedSummary, neverActed, neverActedWarning } from './faults-acted.ts';
import type { ScenarioReport } from './model.ts';

/** Per cell, how many times each fault acted; a fault that never acted in a cell is a warning (report.html). */
export function renderFaultsActed(s: ScenarioReport): string {
  const cells = s.cells.filter((c) => Object.keys(c.faultsActed ?? {}).length);
  if (cells.length === 0) return '';
  const warnings = cells.flatMap((c) => neverActed(c.faultsActed).map((label) => neverActedWarning(c, label)));
  const alert = warnings.length ? `<div class="warning fault-never-acted" role="alert"><strong>Warning:</strong><ul>${warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul></div>` : '';
  const rows = cells.map((c) => `<li><strong>${escapeHtml(c.mitigation)}</strong> (${escapeHtml(c.goVersion)}): ${escapeHtml(actedSummary(c.faultsActed))}</li>`).join('');
  return `${alert}<details class="faults-acted"><summary>Faults acted (times, over each cell's trials)</summary><ul>${rows}</ul></details>`;
}
