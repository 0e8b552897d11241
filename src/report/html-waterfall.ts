import { escapeHtml } from './escape-html.ts';
import type { Report } from './model.ts';
import type { TrialTrace } from '../trace/schema.ts';
import type { WaterfallTrial } from './html/data.ts';

/** Per cell of each scenario, the trials whose waterfall the page draws: the median trial and the slowest. */
export function waterfallTrials(report: Report, traces: readonly TrialTrace[]): WaterfallTrial[] {
  const multiGo = new Set(report.scenarios.flatMap((s) => s.cells.map((c) => c.goVersion))).size > 1;
  return report.scenarios.flatMap((s, scenario) =>
    s.cells.flatMap((c) => {
      const ofCell = traces.filter((t) => t.scenario === s.name && t.mitigation === c.mitigation && t.goVersion === c.goVersion).sort((a, b) => a.durationMs - b.durationMs || a.trial - b.trial);
      if (!ofCell.length) return [];
      const cell = multiGo ? `${c.mitigation} · ${c.goVersion}` : c.mitigation;
      const median = ofCell[Math.floor((ofCell.length - 1) / 2)]!;
      const slowest = ofCell[ofCell.length - 1]!;
      return [{ scenario, cell, which: 'median' as const, trace: median }, ...(slowest !== median ? [{ scenario, cell, which: 'slowest' as const, trace: slowest }] : [])];
    }),
  );
}

/** The scenario's waterfall section: the page's script draws into it from the trace data. */
export function renderWaterfallSection(trials: readonly WaterfallTrial[], scenario: number): string {
  const mine = trials.filter((t) => t.scenario === scenario);
  if (!mine.length) return '';
  const slots = mine
    .map((t) => `<div class="wf" data-wf="${trials.indexOf(t)}" data-cell="${escapeHtml(t.cell)}" data-which="${t.which}" data-trial="${t.trace.trial}"><p class="note">${escapeHtml(t.cell)}, ${t.which} trial ${t.trace.trial}: the waterfall needs JavaScript (or: gomod-chaos trace &lt;dir&gt; --trial ${t.trace.trial}).</p></div>`)
    .join('\n');
  return `<details class="waterfalls" open><summary>Where the time went: a waterfall of the median and the slowest trial of each cell (DNS waits, connections, TLS, CONNECT tunnels, requests; <span class="wf-fault-key">red outline</span>: a fault acted)</summary>
${slots}
</details>`;
}

export const WATERFALL_CSS = `
.waterfalls { margin: 16px 0; }
.waterfalls summary { cursor: pointer; font-weight: 600; }
.wf-fault-key { outline: 2px solid #c62828; padding: 0 3px; }
.wf { margin: 12px 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
.wf-head { font-weight: 600; margin-bottom: 6px; }
.wf-row { display: grid; grid-template-columns: minmax(0, 320px) minmax(0, 1fr); gap: 8px; align-items: center; font-size: 12px; line-height: 16px; }
.wf-label { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.wf-track { position: relative; height: 14px; background: var(--panel); }
.wf-axis { position: relative; height: 16px; color: var(--muted); font-size: 11px; }
.wf-tick { position: absolute; top: 0; transform: translateX(-50%); white-space: nowrap; }
.wf-bar { position: absolute; top: 2px; height: 10px; min-width: 2px; border-radius: 2px; }
.wf-bar.open { opacity: .6; }
.wf-bar.fault { outline: 2px solid #c62828; outline-offset: 0; }
.k-client { background: #9aa5b1; } .k-dns { background: #2ca02c; } .k-connect { background: #ff7f0e; }
.k-tls { background: #9467bd; } .k-tunnel { background: #8c564b; } .k-request { background: #1f77b4; }
.wf-legend span { display: inline-block; margin-right: 12px; } .wf-legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; vertical-align: -1px; }
`;
