import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { EXPECT_CSS, renderExpectations } from './html-expect.ts';
import { renderFaultsActed } from './html-faults.ts';
import { fieldLines, partialNotice } from './run-facts.ts';
import { VERDICT_WORDS, type CellReport, type Interval, type Report, type ScenarioReport, type Verdict } from './model.ts';
import { escapeHtml } from './escape-html.ts';

/**
 * report.html: one self-contained file (every script and style inline, nothing loaded from the
 * network) with, per scenario, a box plot and an ECDF of the trial times per cell, the failure
 * classes, and a sortable table of the statistics. The tables are rendered here, so the page reads
 * without JavaScript; the inline script only draws the charts (Chart.js + the box plot plugin,
 * read from node_modules and embedded) and sorts the tables.
 */
export function renderHtml(report: Report): string {
  const goVersions = new Set(report.scenarios.flatMap((s) => s.cells.map((c) => c.goVersion)));
  const multiGo = goVersions.size > 1;
  const scenarios = report.scenarios.map((s, i) => renderScenario(s, i, multiGo)).join('\n');
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
<style>${CSS}${EXPECT_CSS}</style>
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
<script type="application/json" id="report-data">${jsonForScript(report)}</script>
<script>${library('chart.js', 'chart.umd.min.js')}</script>
<script>${library('@sgratzl/chartjs-chart-boxplot', 'index.umd.min.js')}</script>
<script>${CLIENT}</script>
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

const RUN_KEYS = ['command', 'identity', 'go', 'machine', 'startedAt', 'shard', 'mergedFrom'];

function renderRun(run: Record<string, unknown>): string {
  const rows = RUN_KEYS.filter((k) => run[k] !== undefined && run[k] !== null).map(
    (k) => `<dt>${escapeHtml(k)}</dt><dd>${fieldLines(run[k]).map(escapeHtml).join('<br>')}</dd>`,
  );
  return rows.length ? `<dl>${rows.join('')}</dl>` : '<p class="note">run.json recorded nothing to show.</p>';
}

function renderSettings(report: Report): string {
  const { alpha, threshold, bootstrapResamples, bootstrapSeed } = report.settings;
  return `<dl>
<dt>alpha</dt><dd>${fmtNum(alpha)} (intervals ${fmtNum(Math.round((1 - alpha) * 1000) / 10)} %)</dd>
<dt>threshold</dt><dd>${fmtNum(threshold)} (the minimum effect: a ratio or failure-rate difference within ±${fmtNum(Math.round(threshold * 1000) / 10)} % is “no difference”)</dd>
<dt>bootstrap</dt><dd>${bootstrapResamples} resamples, seed ${bootstrapSeed}</dd>
<dt>report schema</dt><dd>${report.reportSchema}</dd>
</dl>`;
}

// ---------------------------------------------------------------------------------------------
// Scenarios

function renderScenario(s: ScenarioReport, index: number, multiGo: boolean): string {
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
      cell: (c) => ({ html: fmtInterval(successRate(c.failureRate), fmtPct), sort: c.failureRate.value === null ? null : 1 - c.failureRate.value }),
    },
    {
      head: 'median',
      title: 'median time of the trials that did not fail outright (timeouts censored), with its interval',
      numeric: true,
      cell: (c) => ({
        html: fmtMsInterval(c.time.median) + (c.time.censored ? `<span class="sub">${c.time.censored} censored</span>` : ''),
        sort: c.time.median.value,
      }),
    },
    { head: 'p95', title: '95th percentile time', numeric: true, cell: (c) => ({ html: c.time.p95 === null ? DASH : fmtMs(c.time.p95), sort: c.time.p95 }) },
    {
      head: 'ratio to baseline',
      title: 'median(cell) / median(baseline) on the same go version, with its bootstrap interval',
      numeric: true,
      cell: (c) => ({ html: c.vsBaseline ? fmtInterval(c.vsBaseline.ratio, fmtRatio) : DASH, sort: c.vsBaseline?.ratio.value ?? null }),
    },
    {
      head: 'verdict',
      title: 'against the baseline: worse if time or failures are worse; inconclusive when the sample cannot decide (hover for the reason)',
      numeric: true,
      cell: (c) => {
        if (!c.vsBaseline) return { html: `<span class="verdict v-base">${c.mitigation === 'baseline' ? 'baseline' : 'no baseline trial'}</span>`, sort: 0 };
        const v = c.vsBaseline;
        const detail = `time ${VERDICT_WORDS[v.timeVerdict]}: ${v.timeReason} (Mann-Whitney p ${fmtP(v.mannWhitneyP)}, Holm ${fmtP(v.mannWhitneyPAdjusted)}); failures ${VERDICT_WORDS[v.failureVerdict]}: ${v.failureReason} (Fisher p ${fmtP(v.fisherP)}, Holm ${fmtP(v.fisherPAdjusted)})`;
        const why = v.verdict === 'inconclusive' ? `<span class="sub">${escapeHtml(v.timeVerdict === 'inconclusive' ? v.timeReason : v.failureReason)}</span>` : '';
        return {
          html: `<span class="verdict ${verdictClass(v.verdict)}" title="${escapeHtml(detail)}">${escapeHtml(verdictText(v.verdict))}</span><span class="sub">time ${escapeHtml(VERDICT_WORDS[v.timeVerdict])} · fail ${escapeHtml(VERDICT_WORDS[v.failureVerdict])}</span>${why}`,
          sort: VERDICT_ORDER[v.verdict],
        };
      },
    },
    { head: 'DNS q/trial', title: 'DNS queries per trial (mean)', numeric: true, cell: (c) => ({ html: fmtNum(c.seen.dnsQueries, 1), sort: c.seen.dnsQueries }) },
    { head: 'conn/trial', title: 'TCP connections per trial (mean)', numeric: true, cell: (c) => ({ html: fmtNum(c.seen.connections, 1), sort: c.seen.connections }) },
    {
      head: 'h2 share',
      title: 'share of the HTTP requests that were HTTP/2',
      numeric: true,
      cell: (c) => ({ html: c.seen.h2Share === null ? DASH : fmtPct(c.seen.h2Share), sort: c.seen.h2Share }),
    },
    {
      head: 'top failure classes',
      title: 'the most frequent failure classes (count)',
      numeric: true,
      cell: (c) => {
        const top = Object.entries(c.failureClasses)
          .filter(([, n]) => n > 0)
          .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
          .slice(0, 3);
        return { html: top.length ? top.map(([k, n]) => `<span class="fc">${escapeHtml(k)} ×${n}</span>`).join(' ') : DASH, sort: failureTotal(c), cls: 'classes' };
      },
    },
  ];
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

function fmtNum(v: number, digits?: number): string {
  if (!Number.isFinite(v)) return String(v);
  return digits === undefined ? String(v) : v.toFixed(digits);
}

function successRate(failure: Interval): Interval {
  const flip = (v: number | null) => (v === null ? null : 1 - v);
  return { value: flip(failure.value), low: flip(failure.high), high: flip(failure.low) };
}

function fmtPct(v: number): string {
  const pct = v * 100;
  return `${pct === 0 || pct === 100 || pct >= 10 ? Math.round(pct) : pct.toFixed(1)} %`;
}

function fmtRatio(v: number): string {
  return `${v.toFixed(2)}×`;
}

function fmtP(v: number | null): string {
  if (v === null) return 'n/a';
  return v < 0.001 ? v.toExponential(1) : v.toPrecision(2);
}

/** A time in ms, in the unit `scale` calls for (ms below a second, else s). */
function fmtMs(v: number, scale = v): string {
  if (scale < 1000) return `${Math.round(v)} ms`;
  if (scale < 10_000) return `${(v / 1000).toFixed(2)} s`;
  return `${(v / 1000).toFixed(1)} s`;
}

function fmtMsInterval(i: Interval): string {
  if (i.value === null) return DASH;
  const scale = i.value;
  const bare = (v: number) => fmtMs(v, scale).replace(/ m?s$/, '');
  const bounds = i.low !== null && i.high !== null ? ` <span class="ci">[${bare(i.low)}–${bare(i.high)}]</span>` : '';
  return fmtMs(i.value, scale) + bounds;
}

/** `value [low–high]`, the bounds without the value's unit. */
function fmtInterval(i: Interval, fmt: (v: number) => string): string {
  if (i.value === null) return DASH;
  const bare = (v: number) => fmt(v).replace(/\s*(%|×)$/, '');
  const bounds = i.low !== null && i.high !== null ? ` <span class="ci">[${bare(i.low)}–${bare(i.high)}]</span>` : '';
  return fmt(i.value) + bounds;
}

// ---------------------------------------------------------------------------------------------
// Style and the page's script

const CSS = `
:root { --fg: #1d232a; --muted: #5d6875; --line: #d8dde3; --bg: #fff; --panel: #f5f7f9; --better: #17803d; --worse: #c62828; --same: #6b7280; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; color: var(--fg); background: var(--bg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; max-width: 1400px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 0 0 6px; }
.box h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin-bottom: 8px; }
.meta, .note, .sub, .ci, figcaption, caption { color: var(--muted); }
.meta { margin: 0 0 16px; }
.boxes { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 16px; }
.box { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; }
dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 4px 14px; margin: 0; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
dd.json { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.warning { margin: 16px 0 0; padding: 10px 14px; border: 1px solid #e0a800; background: #fff8e1; border-radius: 6px; }
.warning ul { margin: 6px 0 0; padding-left: 20px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.toc { margin: 16px 0 0; }
a { color: #1a5fb4; }
.scenario { margin-top: 32px; padding-top: 20px; border-top: 2px solid var(--line); }
.description { margin: 0 0 12px; max-width: 900px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 16px; margin-bottom: 16px; }
.chart { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px 10px; min-width: 0; }
figcaption { font-size: 13px; font-weight: 600; margin-bottom: 4px; }
.canvas-box { position: relative; height: 300px; }
.chart-error { color: var(--worse); }
.table-box { overflow-x: auto; }
table.cells { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; font-size: 13px; }
caption { text-align: left; font-size: 12px; padding: 0 0 4px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: right; vertical-align: top; }
th:nth-child(-n+2), td:nth-child(-n+2), td.classes, th:last-child { text-align: left; }
th { background: var(--panel); font-weight: 600; vertical-align: bottom; cursor: pointer; user-select: none; position: relative; padding-right: 18px; }
th:hover { background: #e9edf1; }
th[aria-sort="ascending"]::after { content: "▲"; position: absolute; right: 5px; font-size: 9px; bottom: 8px; }
th[aria-sort="descending"]::after { content: "▼"; position: absolute; right: 5px; font-size: 9px; bottom: 8px; }
tbody tr:nth-child(even) { background: #fafbfc; }
tbody tr:hover { background: #eef4fb; }
td { white-space: nowrap; }
td.classes { white-space: normal; min-width: 150px; }
td .ci { display: block; }
.sub { display: block; font-size: 11px; }
.ci { font-size: 12px; }
.na { color: #9aa3ad; }
.verdict { font-weight: 600; padding: 1px 7px; border-radius: 10px; font-size: 12px; }
.v-better { color: #fff; background: var(--better); }
.v-worse { color: #fff; background: var(--worse); }
.v-same { color: #fff; background: var(--same); }
.v-unsure { color: var(--ink, #222); background: #f3e2b3; }
.v-base { color: var(--muted); background: #e6e9ed; }
.fc { display: inline-block; background: #fdecea; color: #8a1c1c; border-radius: 3px; padding: 0 5px; margin: 0 2px 2px 0; font-size: 12px; }
@media (max-width: 900px) { body { padding: 16px; } .boxes { grid-template-columns: 1fr; } .charts { grid-template-columns: 1fr; } }
@media print { .canvas-box { height: 240px; } th { cursor: default; } }
`;

/** The page's own script (plain ES5-ish JS: no template literals, so it can live in this string). */
const CLIENT = String.raw`
(function () {
  'use strict';

  // Sortable tables: click a header; again to reverse. Empty keys sort last either way.
  function sortTable(table, th) {
    var col = Number(th.getAttribute('data-col'));
    var numeric = th.getAttribute('data-type') === 'number';
    var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
    var heads = table.querySelectorAll('thead th');
    for (var i = 0; i < heads.length; i++) heads[i].setAttribute('aria-sort', 'none');
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (r, i) { r._order = i; });
    rows.sort(function (a, b) {
      var x = a.cells[col].getAttribute('data-sort');
      var y = b.cells[col].getAttribute('data-sort');
      if (x === '' && y === '') return a._order - b._order;
      if (x === '') return 1;
      if (y === '') return -1;
      var c = numeric ? Number(x) - Number(y) : x.localeCompare(y, undefined, { numeric: true });
      return c !== 0 ? c * dir : a._order - b._order;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    Array.prototype.forEach.call(table.querySelectorAll('thead th'), function (th) {
      th.tabIndex = 0;
      th.addEventListener('click', function () { sortTable(table, th); });
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortTable(table, th); }
      });
    });
  });

  var report = JSON.parse(document.getElementById('report-data').textContent);

  function fail(message) {
    Array.prototype.forEach.call(document.querySelectorAll('.canvas-box'), function (box) {
      var p = document.createElement('p');
      p.className = 'chart-error';
      p.textContent = message;
      box.replaceChildren(p);
    });
  }
  if (typeof Chart === 'undefined' || typeof ChartBoxPlot === 'undefined') {
    fail('The chart library did not load: charts are not shown.');
    return;
  }

  var goVersions = {};
  report.scenarios.forEach(function (s) { s.cells.forEach(function (c) { goVersions[c.goVersion] = true; }); });
  var multiGo = Object.keys(goVersions).length > 1;
  function label(c) { return multiGo ? c.mitigation + ' · ' + c.goVersion : c.mitigation; }
  function labelLines(c) {
    var lines = [c.mitigation];
    if (multiGo) lines.push(c.goVersion);
    if (c.durationsMs.length === 0) lines.push('(no ok trial)');
    return lines;
  }
  function ms(v) { return v >= 10000 ? (v / 1000).toFixed(1) + ' s' : v >= 1000 ? (v / 1000).toFixed(2) + ' s' : Math.round(v) + ' ms'; }

  var PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  var FAILURE_PALETTE = ['#c62828', '#ef6c00', '#f9a825', '#6a1b9a', '#ad1457', '#4e342e', '#283593', '#00838f', '#558b2f', '#757575'];
  function color(i) { return PALETTE[i % PALETTE.length]; }
  function alpha(hex, a) {
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + ((n >> 16) & 255) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + a + ')';
  }

  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = '#1d232a';

  function make(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    try {
      new Chart(canvas, config);
    } catch (e) {
      var p = document.createElement('p');
      p.className = 'chart-error';
      p.textContent = 'This chart could not be drawn: ' + (e && e.message ? e.message : e);
      canvas.parentNode.replaceChildren(p);
      throw e;
    }
  }

  report.scenarios.forEach(function (s, si) {
    var cells = s.cells;

    make('box-' + si, {
      type: 'boxplot',
      data: {
        labels: cells.map(labelLines),
        datasets: [{
          label: 'time (ms)',
          data: cells.map(function (c) { return c.durationsMs.slice(); }),
          backgroundColor: cells.map(function (c, i) { return alpha(color(i), 0.25); }),
          borderColor: cells.map(function (c, i) { return color(i); }),
          borderWidth: 1.5,
          medianColor: cells.map(function (c, i) { return color(i); }),
          itemRadius: 2.5,
          itemStyle: 'circle',
          itemBackgroundColor: 'rgba(29,35,42,0.55)',
          itemBorderWidth: 0,
          outlierRadius: 3.5,
          outlierBackgroundColor: cells.map(function (c, i) { return color(i); }),
          meanRadius: 0,
          maxBarThickness: 70,
        }],
      },
      options: {
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: function (items) { return items.length ? label(cells[items[0].dataIndex]) : ''; },
            },
          },
        },
        scales: {
          y: { beginAtZero: true, title: { display: true, text: 'time (ms)' } },
          x: { ticks: { autoSkip: false } },
        },
      },
    });

    var ecdf = [];
    cells.forEach(function (c, i) {
      if (c.durationsMs.length === 0) return;
      var sorted = c.durationsMs.slice().sort(function (a, b) { return a - b; });
      var points = [{ x: sorted[0], y: 0 }];
      // share of ALL trials of the cell done by time t: failures and timeouts never arrive, so a
      // failure-heavy cell levels off at its success rate instead of looking complete
      sorted.forEach(function (t, k) { points.push({ x: t, y: (k + 1) / c.n }); });
      ecdf.push({
        label: label(c) + ' (' + sorted.length + '/' + c.n + ' ok)',
        data: points,
        stepped: true,
        borderColor: color(i),
        backgroundColor: color(i),
        borderWidth: 2,
        pointRadius: 0,
        pointHitRadius: 6,
        fill: false,
      });
    });
    make('ecdf-' + si, {
      type: 'line',
      data: { datasets: ecdf },
      options: {
        parsing: false,
        interaction: { mode: 'nearest', intersect: false },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 14, boxHeight: 2 } },
          tooltip: {
            callbacks: {
              label: function (item) {
                return item.dataset.label + ': ' + Math.round(item.parsed.y * 100) + ' % within ' + ms(item.parsed.x);
              },
            },
          },
        },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'time (ms)' } },
          y: { min: 0, max: 1, title: { display: true, text: 'share of all trials' },
               ticks: { callback: function (v) { return Math.round(v * 100) + ' %'; } } },
        },
      },
    });

    var totals = {};
    cells.forEach(function (c) {
      Object.keys(c.failureClasses).forEach(function (k) { totals[k] = (totals[k] || 0) + c.failureClasses[k]; });
    });
    var classes = Object.keys(totals).filter(function (k) { return totals[k] > 0; })
      .sort(function (a, b) { return totals[b] - totals[a] || (a < b ? -1 : 1); });
    if (classes.length) {
      make('failures-' + si, {
        type: 'bar',
        data: {
          labels: cells.map(function (c) { return multiGo ? [c.mitigation, c.goVersion] : c.mitigation; }),
          datasets: classes.map(function (k, j) {
            return {
              label: k,
              data: cells.map(function (c) { return c.failureClasses[k] || 0; }),
              backgroundColor: FAILURE_PALETTE[j % FAILURE_PALETTE.length],
              maxBarThickness: 70,
            };
          }),
        },
        options: {
          plugins: {
            legend: { position: 'bottom', labels: { boxWidth: 14 } },
            tooltip: {
              callbacks: {
                footer: function (items) {
                  var c = items.length ? cells[items[0].dataIndex] : null;
                  return c ? c.fail + c.timeout + ' of ' + c.n + ' trials failed' : '';
                },
              },
            },
          },
          scales: {
            x: { stacked: true, ticks: { autoSkip: false } },
            y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'trials' } },
          },
        },
      });
    }
  });
})();
`;
