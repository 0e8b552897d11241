import { escapeHtml } from './escape-html.ts';
import type { ScenarioReport } from './model.ts';

/** The scenario's `expect` block as checked: a list, failed ones first and marked (report.html). */
export function renderExpectations(s: ScenarioReport): string {
  const results = s.expectations ?? [];
  if (results.length === 0) return '';
  const failed = results.filter((r) => !r.ok);
  const items = [...failed, ...results.filter((r) => r.ok)].map(
    (r) => `<li class="${r.ok ? 'exp-ok' : 'exp-failed'}"><strong>${r.ok ? 'met' : 'FAILED'}</strong> ${escapeHtml(r.cell)}: expected ${escapeHtml(r.expected)}, got ${escapeHtml(r.actual)}</li>`,
  );
  const head = failed.length ? `Expectations: ${failed.length} of ${results.length} FAILED` : `Expectations: all ${results.length} met`;
  return `<div class="expectations${failed.length ? ' warning' : ''}"${failed.length ? ' role="alert"' : ''}><h3>${head}</h3><ul>${items.join('')}</ul></div>`;
}

export const EXPECT_CSS = `
.expectations { margin: 8px 0 12px; font-size: 13px; }
.expectations h3 { font-size: 14px; margin: 4px 0; }
.expectations ul { margin: 0; padding-left: 18px; }
.exp-failed strong { color: var(--worse); }
.exp-ok strong { color: var(--better); }
`;
