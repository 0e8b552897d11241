// The page's own script (bundled into one IIFE at build time, see scripts/bundle-client.ts):
// sortable tables, the waterfalls, then the charts (which need the inlined Chart.js).
import type { PageReport } from './data.ts';
import { drawCharts } from './charts.ts';
import { makeTablesSortable } from './tables.ts';
import { drawWaterfalls } from './waterfall.ts';

makeTablesSortable();
drawWaterfalls();
const data = document.getElementById('report-data')?.textContent;
if (data) drawCharts(JSON.parse(data) as PageReport);
