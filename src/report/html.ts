import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { clientScript } from './client-script.ts';
import { escapeHtml } from './escape-html.ts';
import { EXPECT_CSS, renderExpectations } from './html-expect.ts';
import { renderFaultsActed } from './html-faults.ts';
import { renderWaterfallSection, WATERFALL_CSS, waterfallTrials } from './html-waterfall.ts';
import type { PageReport, WaterfallTrial } from './html/data.ts';
import type { TrialTrace } from '../trace/schema.ts';
import { renderTrialLogs } from './trial-logs-render.ts';
import { fieldLines, partialNotice } from './run-facts.ts';
import { VERDICT_WORDS, type CellReport, type Interval, type Report, type ScenarioReport, type Verdict } from './model.ts';
import { formatMs, formatP, formatPercent, formatPercentTenths, formatRatio, intervalParts, successRate, topFailureClasses } from './format.ts';

/**
 * report.html: one self-contained file (every script and style inline, nothing loaded from the
 * network) with, per scenario, a box plot and an ECDF of the trial times per cell, the failure
 * classes, and a sortable table of the statistics. The tables are rendered here, so the page reads
 * without JavaScript; the inline script (src/report/html/client.ts, bundled) draws the charts
 * (Chart.js + the box plot plugin, read from node_modules and embedded), sorts the tables and
 * draws the waterfalls of the chosen trials of `traces` (trace.jsonl).
 */
export function renderHtml(report: Report, traces: readonly TrialTrace[] = []): string {
  const goVersions = new Set(report.scenarios.flatMap((s) => s.cells.map((c) => c.goVersion)));
  const multiGo = goVersions.size > 1;
  const waterfalls = waterfallTrials(report, traces);
  const scenarios = report.scenarios.map((s, i) => renderScenario(s, i, multiGo, waterfalls)).join('\n');
  const toc =
    report.scenarios.length > 1
      ? `<nav class="toc"><strong>Scenarios:</strong> ${report.scenarios.map((s, i) => `<a href="#scenario-${i}">${escapeHtml(s.name)}</a>`).join(' · ')}</nav>`
      : '';
  const partial = partialNotice(report.run, report.trials);
  const skipped = report.skippedLines.length
    ? `<div class="warning" role="alert"><strong>${report.skippedLines.length} line(s) of results.jsonl could not be read and are not in this report:</strong><ul>${report.skippedLines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul></div>`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="gomod-chaos">
<title>${escapeHtml(report.title)} — gomod-chaos report</title>
<style>${asset('style.css')}${EXPECT_CSS}${waterfalls.length ? WATERFALL_CSS : ''}</style>
</head>
<body>
<header>
<h1>${escapeHtml(report.title)}</h1>
<p class="meta">gomod-chaos report · generated ${escapeHtml(report.generatedAt)} · ${report.trials} trial(s) · ${report.scenarios.length} scenario(s)</p>
<div class="boxes">
<section class="box"><h2>Run</h2>${renderRun(report.run)}</section>
<section class="box"><h2>Settings</h2>${renderSettings(report)}</section>
</div>
${skipped}
${partial ? `<div class="warning partial-run" role="alert"><strong>${escapeHtml(partial)}</strong></div>` : ''}
${toc}
<noscript><p class="note">The charts and table sorting need JavaScript; the tables below are complete without it.</p></noscript>
</header>
<main>
${scenarios}
</main>
<script type="application/json" id="report-data">${jsonForScript(report satisfies PageReport)}</script>
${waterfalls.length ? `<script type="application/json" id="trace-data">${jsonForScript(waterfalls satisfies WaterfallTrial[])}</script>\n` : ''}
<script>${library('chart.js', 'chart.umd.min.js')}</script>
<script>${library('@sgratzl/chartjs-chart-boxplot', 'index.umd.min.js')}</script>
<script>${clientScript()}</script>
</body>
</html>
`;
}

/** JSON for a `<script type="application/json">`: nothing in it can close the tag. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/<\//g, '<\\/').replace(/<!--/g, '\\u003c!--');
}

const cache = new Map<string, string>();
/** A UMD build from node_modules, ready to inline (no source map reference, no `</script`). */
function library(pkg: string, file: string): string {
  const key = `${pkg}/${file}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  // Both packages restrict their exports; their main file sits beside the UMD build.
  const path = join(dirname(createRequire(import.meta.url).resolve(pkg)), file);
  if (!existsSync(path)) throw new Error(`report.html: ${path} not found: is ${pkg} installed (npm install ${pkg})?`);
  const code = readFileSync(path, 'utf8')
    .replace(/^\/\/# sourceMappingURL=.*$/gm, '')
    .replace(/<\/(script)/gi, '<\\/$1');
  cache.set(key, code);
  return code;
}

// ---------------------------------------------------------------------------------------------
// Header boxes

const RUN_KEYS = ['command', 'identity', 'go', 'machine', 'lanes', 'load', 'startedAt', 'shard', 'mergedFrom'];

function renderRun(run: Record<string, unknown>): string {
  const rows = RUN_KEYS.filter((k) => run[k] !== undefined && run[k] !== null).map(
    (k) => `<dt>${escapeHtml(k)}</dt><dd>${fieldLines(run[k]).map(escapeHtml).join('<br>')}</dd>`,
  );
  return rows.length ? `<dl>${rows.join('')}</dl>` : '<p class="note">run.json recorded nothing to show.</p>';
}

function renderSettings(report: Report): string {
  const { alpha, threshold, bootstrapResamples, bootstrapSeed } = report.settings;
  return `<dl>
<dt>alpha</dt><dd>${alpha} (intervals ${formatPercentTenths(1 - alpha)})</dd>
<dt>threshold</dt><dd>${threshold} (the minimum effect: a ratio or failure-rate difference within ±${formatPercentTenths(threshold)} is “no difference”)</dd>
<dt>bootstrap</dt><dd>${bootstrapResamples} resamples, seed ${bootstrapSeed}</dd>
<dt>report schema</dt><dd>${report.reportSchema}</dd>
</dl>`;
}

// ---------------------------------------------------------------------------------------------
// Scenarios

function renderScenario(s: ScenarioReport, index: number, multiGo: boolean, waterfalls: readonly WaterfallTrial[]): string {
  const anyTimes = s.cells.some((c) => c.durationsMs.length > 0);
  const anyFailures = s.cells.some((c) => failureTotal(c) > 0);
  const chart = (kind: string, title: string, label: string) =>
    `<figure class="chart"><figcaption>${title}</figcaption><div class="canvas-box"><canvas id="${kind}-${index}" data-chart="${kind}" role="img" aria-label="${escapeHtml(label)}"></canvas></div></figure>`;
  const charts = anyTimes
    ? chart('box', 'Time per trial (successful trials), by cell', `box plot of the trial times of scenario ${s.name}`) +
      chart('ecdf', 'Share of trials done by time t (ECDF; failed and timed-out trials never arrive)', `ECDF of the trial times of scenario ${s.name}`)
    : '<p class="note">No trial of this scenario succeeded: no times to plot.</p>';
  const failures = anyFailures ? chart('failures', 'Failure classes, by cell', `failure classes of scenario ${s.name}`) : '';
  return `<section class="scenario" id="scenario-${index}" data-scenario="${index}">
<h2>${escapeHtml(s.name)}</h2>
<p class="description">${escapeHtml(s.description)}</p>
${renderExpectations(s)}
${renderFaultsActed(s)}
<div class="charts">${charts}${failures}</div>
${renderTable(s, index, multiGo)}
${renderWaterfallSection(waterfalls, index)}
${renderTrialLogs(s)}
</section>`;
}

interface Column {
  head: string;
  title: string;
  numeric: boolean;
  /** Text (already escaped HTML) and the sort key (null sorts last). */
  cell: (c: CellReport) => { html: string; sort: number | string | null; cls?: string };
}

function columns(): Column[] {
  return [
    { head: 'mitigation', title: 'the mitigation (cell)', numeric: false, cell: (c) => ({ html: escapeHtml(c.mitigation), sort: c.mitigation }) },
    { head: 'go', title: 'go version', numeric: false, cell: (c) => ({ html: escapeHtml(c.goVersion), sort: c.goVersion }) },
    {
      head: 'ok/n',
      title: 'successful trials of all trials; below: the other outcomes',
      numeric: true,
      cell: (c) => {
        const other = [c.fail ? `${c.fail} fail` : '', c.timeout ? `${c.timeout} timeout` : '', c.harnessError ? `${c.harnessError} harness error` : '']
          .filter(Boolean)
          .join(' · ');
        return { html: `${c.ok}/${c.n}${other ? `<span class="sub">${other}</span>` : ''}`, sort: c.n ? c.ok / c.n : null };
      },
    },
    {
      head: 'success rate',
      title: 'ok / n (1 - the failure rate), with its Wilson interval',
      numeric: true,
      cell: (c) => ({ html: htmlInterval(successRate(c.failureRate), formatPercent), sort: c.failureRate.value === null ? null : 1 - c.failureRate.value }),
    },
    {
      head: 'median',
      title: 'median time of the trials that did not fail outright (timeouts censored), with its interval',
      numeric: true,
      cell: (c) => ({
        html: htmlInterval(c.time.median, formatMs) + (c.time.censored ? `<span class="sub">${c.time.censored} censored</span>` : ''),
        sort: c.time.median.value,
      }),
    },
    { head: 'p95', title: '95th percentile time', numeric: true, cell: (c) => ({ html: c.time.p95 === null ? DASH : formatMs(c.time.p95), sort: c.time.p95 }) },
    {
      head: 'ratio to baseline',
      title: 'median(cell) / median(baseline) on the same go version, with its bootstrap interval',
      numeric: true,
      cell: (c) => ({ html: c.vsBaseline ? htmlInterval(c.vsBaseline.ratio, formatRatio) : DASH, sort: c.vsBaseline?.ratio.value ?? null }),
    },
    {
      head: 'verdict',
      title: 'against the baseline: worse if time or failures are worse; inconclusive when the sample cannot decide (hover for the reason)',
      numeric: true,
      cell: verdictCell,
    },
    { head: 'DNS q/trial', title: 'DNS queries per trial (mean)', numeric: true, cell: (c) => ({ html: c.seen.dnsQueries.toFixed(1), sort: c.seen.dnsQueries }) },
    { head: 'conn/trial', title: 'TCP connections per trial (mean)', numeric: true, cell: (c) => ({ html: c.seen.connections.toFixed(1), sort: c.seen.connections }) },
    {
      head: 'h2 share',
      title: 'share of the HTTP requests that were HTTP/2',
      numeric: true,
      cell: (c) => ({ html: c.seen.h2Share === null ? DASH : formatPercent(c.seen.h2Share), sort: c.seen.h2Share }),
    },
    {
      head: 'top failure classes',
      title: 'the most frequent failure classes (count)',
      numeric: true,
      cell: (c) => {
        const top = topFailureClasses(c);
        return { html: top.length ? top.map(([k, n]) => `<span class="fc">${escapeHtml(k)} ×${n}</span>`).join(' ') : DASH, sort: failureTotal(c), cls: 'classes' };
      },
    },
  ];
}

/** The verdict against the baseline, its two halves below, the reason on hover (and below when inconclusive). */
function verdictCell(c: CellReport): ReturnType<Column['cell']> {
  if (!c.vsBaseline) return { html: `<span class="verdict v-base">${c.mitigation === 'baseline' ? 'baseline' : 'no baseline trial'}</span>`, sort: 0 };
  const v = c.vsBaseline;
  const detail = `time ${VERDICT_WORDS[v.timeVerdict]}: ${v.timeReason} (Mann-Whitney p ${formatP(v.mannWhitneyP)}, Holm ${formatP(v.mannWhitneyPAdjusted)}); failures ${VERDICT_WORDS[v.failureVerdict]}: ${v.failureReason} (Fisher p ${formatP(v.fisherP)}, Holm ${formatP(v.fisherPAdjusted)})`;
  const why = v.verdict === 'inconclusive' ? `<span class="sub">${escapeHtml(v.timeVerdict === 'inconclusive' ? v.timeReason : v.failureReason)}</span>` : '';
  return {
    html: `<span class="verdict ${verdictClass(v.verdict)}" title="${escapeHtml(detail)}">${escapeHtml(verdictText(v.verdict))}</span><span class="sub">time ${escapeHtml(VERDICT_WORDS[v.timeVerdict])} · fail ${escapeHtml(VERDICT_WORDS[v.failureVerdict])}</span>${why}`,
    sort: VERDICT_ORDER[v.verdict],
  };
}

function renderTable(s: ScenarioReport, index: number, multiGo: boolean): string {
  const cols = columns();
  const head = cols
    .map((col, i) => `<th scope="col" data-col="${i}" data-type="${col.numeric ? 'number' : 'text'}" title="${escapeHtml(col.title)}" aria-sort="none">${escapeHtml(col.head)}</th>`)
    .join('');
  const rows = s.cells
    .map((c) => {
      const cells = cols
        .map((col) => {
          const { html, sort, cls } = col.cell(c);
          const key = sort === null || (typeof sort === 'number' && !Number.isFinite(sort)) ? '' : String(sort);
          return `<td data-sort="${escapeHtml(key)}"${cls ? ` class="${cls}"` : ''}>${html}</td>`;
        })
        .join('');
      return `<tr data-cell="${escapeHtml(cellLabel(c, multiGo))}">${cells}</tr>`;
    })
    .join('\n');
  return `<div class="table-box"><table class="cells sortable" id="table-${index}">
<caption>Cells of ${escapeHtml(s.name)} (click a header to sort)</caption>
<thead><tr>${head}</tr></thead>
<tbody>
${rows}
</tbody>
</table></div>`;
}

function cellLabel(c: CellReport, multiGo: boolean): string {
  return multiGo ? `${c.mitigation} · ${c.goVersion}` : c.mitigation;
}

function failureTotal(c: CellReport): number {
  return Object.values(c.failureClasses).reduce((a, b) => a + b, 0);
}

const VERDICT_ORDER: Record<Verdict, number> = { better: 1, 'no-difference': 2, inconclusive: 3, worse: 4 };
function verdictClass(v: Verdict): string {
  return v === 'better' ? 'v-better' : v === 'worse' ? 'v-worse' : v === 'inconclusive' ? 'v-unsure' : 'v-same';
}
function verdictText(v: Verdict): string {
  return VERDICT_WORDS[v];
}

// ---------------------------------------------------------------------------------------------
// Numbers

const DASH = '<span class="na">—</span>';

/** An interval as HTML: the value, then its bounds in a `ci` span; a dash without a value. */
function htmlInterval(i: Interval, format: (v: number, scale: number) => string): string {
  const parts = intervalParts(i, format);
  if (!parts) return DASH;
  return parts.bounds ? `${parts.value} <span class="ci">[${parts.bounds}]</span>` : parts.value;
}

// ---------------------------------------------------------------------------------------------
// Style and the page's script: files beside this one (src/report/html/, copied to dist by the build)

/** A file of src/report/html/ (dist/report/html/ once built), ready to inline (no `</script`). */
function asset(name: string): string {
  const key = `asset:${name}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const code = readFileSync(new URL(`./html/${name}`, import.meta.url), 'utf8').replace(/<\/(script|style)/gi, '<\\/$1');
  cache.set(key, code);
  return code;
}
