// The charts of each scenario: a box plot and an ECDF of the trial times, the failure classes (Chart.js and the box plot plugin, inlined as globals).
import type { Chart as ChartClass, ChartConfiguration, TooltipItem } from 'chart.js';
import type { PageCell as CellReport, PageReport as Report } from './data.ts';
import { fmtMs } from './format.ts';

declare const Chart: typeof ChartClass | undefined;
declare const ChartBoxPlot: unknown;

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const FAILURE_PALETTE = ['#c62828', '#ef6c00', '#f9a825', '#6a1b9a', '#ad1457', '#4e342e', '#283593', '#00838f', '#558b2f', '#757575'];
const color = (i: number): string => PALETTE[i % PALETTE.length]!;
function alpha(hex: string, a: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a})`;
}

function fail(message: string): void {
  for (const box of document.querySelectorAll('.canvas-box')) {
    const p = document.createElement('p');
    p.className = 'chart-error';
    p.textContent = message;
    box.replaceChildren(p);
  }
}

/** A chart in canvas `id`; one that cannot be drawn says so in its place. Configs are loosely typed: the box plot type is a plugin's. */
function make(ChartJs: typeof ChartClass, id: string, config: unknown): void {
  const canvas = document.getElementById(id);
  if (!(canvas instanceof HTMLCanvasElement)) return;
  try {
    new ChartJs(canvas, config as ChartConfiguration);
  } catch (e) {
    const p = document.createElement('p');
    p.className = 'chart-error';
    p.textContent = `This chart could not be drawn: ${e instanceof Error ? e.message : String(e)}`;
    canvas.parentElement?.replaceChildren(p);
    throw e;
  }
}

interface Labels {
  label(c: CellReport): string;
  lines(c: CellReport): string[];
  multiGo: boolean;
}

function labelsOf(report: Report): Labels {
  const multiGo = new Set(report.scenarios.flatMap((s) => s.cells.map((c) => c.goVersion))).size > 1;
  return {
    multiGo,
    label: (c) => (multiGo ? `${c.mitigation} · ${c.goVersion}` : c.mitigation),
    lines: (c) => [c.mitigation, ...(multiGo ? [c.goVersion] : []), ...(c.durationsMs.length === 0 ? ['(no ok trial)'] : [])],
  };
}

function boxPlot(cells: CellReport[], labels: Labels): unknown {
  return {
    type: 'boxplot',
    data: {
      labels: cells.map(labels.lines),
      datasets: [
        {
          label: 'time (ms)',
          data: cells.map((c) => c.durationsMs.slice()),
          backgroundColor: cells.map((_, i) => alpha(color(i), 0.25)),
          borderColor: cells.map((_, i) => color(i)),
          borderWidth: 1.5,
          medianColor: cells.map((_, i) => color(i)),
          itemRadius: 2.5,
          itemStyle: 'circle',
          itemBackgroundColor: 'rgba(29,35,42,0.55)',
          itemBorderWidth: 0,
          outlierRadius: 3.5,
          outlierBackgroundColor: cells.map((_, i) => color(i)),
          meanRadius: 0,
          maxBarThickness: 70,
        },
      ],
    },
    options: {
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { title: (items: TooltipItem<'bar'>[]) => (items[0] ? labels.label(cells[items[0].dataIndex]!) : '') } },
      },
      scales: { y: { beginAtZero: true, title: { display: true, text: 'time (ms)' } }, x: { ticks: { autoSkip: false } } },
    },
  };
}

function ecdf(cells: CellReport[], labels: Labels): unknown {
  const datasets = cells.flatMap((c, i) => {
    if (c.durationsMs.length === 0) return [];
    const sorted = c.durationsMs.slice().sort((a, b) => a - b);
    // share of ALL trials of the cell done by time t: failures and timeouts never arrive, so a
    // failure-heavy cell levels off at its success rate instead of looking complete
    const points = [{ x: sorted[0]!, y: 0 }, ...sorted.map((t, k) => ({ x: t, y: (k + 1) / c.n }))];
    return [{ label: `${labels.label(c)} (${sorted.length}/${c.n} ok)`, data: points, stepped: true, borderColor: color(i), backgroundColor: color(i), borderWidth: 2, pointRadius: 0, pointHitRadius: 6, fill: false }];
  });
  return {
    type: 'line',
    data: { datasets },
    options: {
      parsing: false,
      interaction: { mode: 'nearest', intersect: false },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 14, boxHeight: 2 } },
        tooltip: { callbacks: { label: (item: TooltipItem<'line'>) => `${item.dataset.label ?? ''}: ${Math.round((item.parsed.y ?? 0) * 100)} % within ${fmtMs(item.parsed.x ?? 0)}` } },
      },
      scales: {
        x: { type: 'linear', title: { display: true, text: 'time (ms)' } },
        y: { min: 0, max: 1, title: { display: true, text: 'share of all trials' }, ticks: { callback: (v: number | string) => `${Math.round(Number(v) * 100)} %` } },
      },
    },
  };
}

function failures(cells: CellReport[], labels: Labels): unknown | undefined {
  const totals: Record<string, number> = {};
  for (const c of cells) for (const [k, n] of Object.entries(c.failureClasses)) totals[k] = (totals[k] ?? 0) + n;
  const classes = Object.keys(totals)
    .filter((k) => (totals[k] ?? 0) > 0)
    .sort((a, b) => (totals[b] ?? 0) - (totals[a] ?? 0) || (a < b ? -1 : 1));
  if (!classes.length) return undefined;
  return {
    type: 'bar',
    data: {
      labels: cells.map((c) => (labels.multiGo ? [c.mitigation, c.goVersion] : c.mitigation)),
      datasets: classes.map((k, j) => ({ label: k, data: cells.map((c) => c.failureClasses[k] ?? 0), backgroundColor: FAILURE_PALETTE[j % FAILURE_PALETTE.length], maxBarThickness: 70 })),
    },
    options: {
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 14 } },
        tooltip: {
          callbacks: {
            footer: (items: TooltipItem<'bar'>[]) => {
              const c = items[0] ? cells[items[0].dataIndex] : undefined;
              return c ? `${c.fail + c.timeout} of ${c.n} trials failed` : '';
            },
          },
        },
      },
      scales: { x: { stacked: true, ticks: { autoSkip: false } }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'trials' } } },
    },
  };
}

export function drawCharts(report: Report): void {
  if (typeof Chart === 'undefined' || typeof ChartBoxPlot === 'undefined') {
    fail('The chart library did not load: charts are not shown.');
    return;
  }
  const ChartJs = Chart;
  ChartJs.defaults.animation = false;
  ChartJs.defaults.maintainAspectRatio = false;
  ChartJs.defaults.font.family = getComputedStyle(document.body).fontFamily;
  ChartJs.defaults.color = '#1d232a';
  const labels = labelsOf(report);
  report.scenarios.forEach((s, si) => {
    make(ChartJs, `box-${si}`, boxPlot(s.cells, labels));
    make(ChartJs, `ecdf-${si}`, ecdf(s.cells, labels));
    const bars = failures(s.cells, labels);
    if (bars) make(ChartJs, `failures-${si}`, bars);
  });
}
