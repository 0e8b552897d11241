import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.ts';
import { markdownReporter } from '../../src/report/reporters/markdown.ts';
import type { CellReport, Report, Verdict } from '../../src/report/model.ts';
import { withPage } from '../browser.ts';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const XSS = '<script>alert(1)</script>';

function cell(over: Partial<CellReport> & Pick<CellReport, 'mitigation'>): CellReport {
  return {
    goVersion: 'go1.26.8',
    n: 10,
    ok: 10,
    fail: 0,
    timeout: 0,
    harnessError: 0,
    failureRate: { value: 0, low: 0, high: 0.28 },
    time: { median: { value: 2000, low: 1900, high: 2100 }, p90: 2300, p95: 2400, min: 1800, max: 2500, censored: 0 },
    vsBaseline: null,
    seen: { dnsQueries: 4, connections: 2, tlsHandshakes: 2, h1Requests: 0, h2Requests: 60, h2Share: 1, proxyConnects: 0, mitigationSetupMs: null },
    failureClasses: {},
    durationsMs: [1800, 1850, 1900, 1950, 2000, 2000, 2050, 2100, 2300, 2500],
    ...over,
  };
}

function vs(verdict: Verdict, ratio: number, low: number, high: number): CellReport['vsBaseline'] {
  return {
    ratio: { value: ratio, low, high },
    mannWhitneyP: 0.004,
    mannWhitneyPAdjusted: 0.012,
    fisherP: 1,
    fisherPAdjusted: 1,
    timeVerdict: verdict,
    failureVerdict: 'no-difference',
    timeReason: 'fixture',
    failureReason: 'fixture',
    verdict,
  };
}

function fixture(): Report {
  return {
    reportSchema: 2,
    generatedAt: '2026-11-21T10:00:00.000Z',
    title: 'html fixture',
    run: {
      command: 'gomod-chaos run scenarios/ --reps 10 --seed 7 --go go1.22.12,go1.26.8',
      identity: { scenarios: [{ name: 'flaky-dns', fingerprint: 'abc', reps: 10, seed: 7, timeoutMs: 90000 }], goVersions: ['go1.22.12', 'go1.26.8'] },
      go: [{ version: 'go1.26.8', binary: '/usr/local/go/bin/go' }],
      machine: { hostname: 'ci', cpus: 2, memoryGiB: 24, node: 'v24.21.0' },
      startedAt: '2026-11-21T09:00:00.000Z',
      shard: null,
    },
    settings: { alpha: 0.05, threshold: 0.05, bootstrapResamples: 2000, bootstrapSeed: 1 },
    trials: 50,
    skippedLines: ['line 17: unexpected end of JSON input'],
    scenarios: [
      {
        name: 'flaky-dns',
        description: `DNS fails 30 % of the time. ${XSS} & "quotes"`,
        cells: [
          cell({
            mitigation: 'baseline',
            ok: 7,
            fail: 2,
            timeout: 1,
            failureRate: { value: 0.3, low: 0.11, high: 0.6 },
            time: { median: { value: 2000, low: 1800, high: 2600 }, p90: 2900, p95: 3100, min: 1700, max: 3200, censored: 1 },
            failureClasses: { 'dns-servfail': 2, deadline: 1 },
            durationsMs: [1700, 1800, 1900, 2000, 2400, 2600, 3200],
          }),
          cell({
            mitigation: 'dns-prewarm',
            time: { median: { value: 1500, low: 1400, high: 1600 }, p90: 1700, p95: 1750, min: 1300, max: 1800, censored: 0 },
            durationsMs: [1300, 1350, 1400, 1450, 1500, 1500, 1550, 1600, 1700, 1800],
            vsBaseline: vs('better', 0.75, 0.68, 0.83),
            seen: { dnsQueries: 0.5, connections: 2, tlsHandshakes: 2, h1Requests: 0, h2Requests: 60, h2Share: 1, proxyConnects: 0, mitigationSetupMs: 120 },
          }),
          cell({
            mitigation: 'ipv4-only',
            ok: 0,
            fail: 10,
            failureRate: { value: 1, low: 0.72, high: 1 },
            time: { median: { value: null, low: null, high: null }, p90: null, p95: null, min: null, max: null, censored: 0 },
            failureClasses: { 'dns-servfail': 6, 'tcp-refused': 4 },
            durationsMs: [],
            vsBaseline: { ...vs('worse', 1, 1, 1)!, ratio: { value: null, low: null, high: null }, mannWhitneyP: null, mannWhitneyPAdjusted: null, timeVerdict: 'inconclusive', failureVerdict: 'worse' },
            seen: { dnsQueries: 9, connections: 0, tlsHandshakes: 0, h1Requests: 0, h2Requests: 0, h2Share: null, proxyConnects: 0, mitigationSetupMs: 3 },
          }),
        ],
      },
      {
        name: 'clean',
        description: 'No fault anywhere.',
        cells: [
          cell({ mitigation: 'baseline', goVersion: 'go1.22.12' }),
          cell({
            mitigation: 'http2-off',
            goVersion: 'go1.22.12',
            time: { median: { value: 2050, low: 1950, high: 2150 }, p90: 2350, p95: 2450, min: 1850, max: 2550, censored: 0 },
            durationsMs: [1850, 1900, 1950, 2000, 2050, 2050, 2100, 2150, 2350, 2550],
            vsBaseline: vs('no-difference', 1.02, 0.97, 1.08),
            seen: { dnsQueries: 4, connections: 9, tlsHandshakes: 9, h1Requests: 60, h2Requests: 0, h2Share: 0, proxyConnects: 0, mitigationSetupMs: null },
          }),
          cell({ mitigation: 'baseline' }),
          cell({
            mitigation: 'http2-off',
            time: { median: { value: 2600, low: 2500, high: 2700 }, p90: 2900, p95: 3000, min: 2400, max: 3100, censored: 0 },
            durationsMs: [2400, 2450, 2500, 2550, 2600, 2600, 2650, 2700, 2900, 3100],
            vsBaseline: vs('worse', 1.3, 1.21, 1.4),
          }),
        ],
      },
    ],
  };
}

describe('renderHtml', () => {
  const report = fixture();
  const html = renderHtml(report);

  it('loads nothing from the network', () => {
    expect(html).not.toMatch(/\b(?:src|href|action|poster|srcset)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<script[^>]*\bsrc=/i);
    expect(html).not.toMatch(/sourceMappingURL/);
    // The only addresses left are in the embedded libraries' license comments.
    for (const line of html.split('\n').filter((l) => /https?:\/\//.test(l))) expect(line.trim()).toMatch(/^\*/);
  });

  it('embeds the report as JSON that parses back to the same report', () => {
    const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
    expect(m).not.toBeNull();
    expect(m![1]).not.toContain('</');
    expect(JSON.parse(m![1]!)).toEqual(report);
  });

  it('escapes interpolated text', () => {
    expect(html).not.toContain(XSS);
    expect(html).toContain('DNS fails 30 % of the time. &#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;quotes&#34;');
    expect(html).toContain('line 17: unexpected end of JSON input');
    // Exactly the four script tags of the page: data, Chart.js, the box plot plugin, the page's own
    // (the `<script` in the JSON data is inert: the data holds no `</` and no `<!--`).
    const data = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(data).not.toMatch(/<\/|<!--/);
    expect(html.replace(data, '').match(/<script\b/g)).toHaveLength(4);
  });

  it('renders a table row per cell, server-side', () => {
    for (const [i, s] of report.scenarios.entries()) {
      const table = new RegExp(`<table[^>]*id="table-${i}"[\\s\\S]*?</table>`).exec(html)?.[0] ?? '';
      const rows = [...table.matchAll(/<tr data-cell="([^"]*)">([\s\S]*?)<\/tr>/g)];
      expect(rows.map((r) => r[1])).toEqual(s.cells.map((c) => `${c.mitigation} · ${c.goVersion}`));
      for (const [j, c] of s.cells.entries()) {
        expect(rows[j]![2]).toContain(`>${c.mitigation}</td>`);
        expect(rows[j]![2]).toContain(`${c.ok}/${c.n}`);
      }
    }
    expect(html).toContain('<span class="verdict v-better"');
    expect(html).toContain('<span class="verdict v-worse"');
    expect(html).toContain('<span class="verdict v-same"');
    expect(html).toContain('<span class="verdict v-base">baseline</span>');
    expect(html).toContain('<span class="fc">dns-servfail ×6</span>');
    expect(html).toContain('70% <span class="ci">[40–89]</span>'); // success rate: 1 - the failure rate 30% [11–60], as report.md says it
    expect(html).toContain('2.00 s <span class="ci">[1.80–2.60]</span>');
    expect(html).toContain('0.75× <span class="ci">[0.68–0.83]</span>');
    // report.md says the same numbers (one formatter)
    const md = markdownReporter.render(report, []);
    expect(md).toContain('70% [40–89] (7/10)');
    expect(md).toContain('2.00 s [1.80–2.60]');
    expect(md).toContain('0.75× [0.68–0.83]');
    // A failure chart only where something failed; run and settings boxes.
    expect(html).toContain('id="failures-0"');
    expect(html).not.toContain('id="failures-1"');
    expect(html).toContain('<dt>command</dt><dd>gomod-chaos run scenarios/ --reps 10 --seed 7');
    expect(html).toContain('<dt>bootstrap</dt><dd>2000 resamples, seed 1</dd>');
    expect(html).not.toContain('<dt>shard</dt>');
  });
});

describe('renderHtml in a real browser', () => {
  it('draws every chart without errors and sorts the tables', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gomod-chaos-html-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(fixture()));
    try {
      await withPage(file, async (page, { errors, network }) => {
        await page.waitForFunction(
          `typeof Chart !== 'undefined' && document.querySelectorAll('canvas').length > 0 &&
           Array.prototype.every.call(document.querySelectorAll('canvas'), function (c) { return !!Chart.getChart(c); })`,
          undefined,
          { timeout: 15_000 },
        );

        const charts = (await page.evaluate(`Array.prototype.map.call(document.querySelectorAll('canvas'), function (c) {
          var chart = Chart.getChart(c);
          var pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          var painted = 0;
          for (var i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
          return {
            id: c.id, width: c.width, height: c.height, painted: painted,
            type: chart.config.type,
            datasets: chart.data.datasets.length,
            values: chart.data.datasets.reduce(function (a, d) { return a + d.data.length; }, 0),
          };
        })`)) as Array<{ id: string; width: number; height: number; painted: number; type: string; datasets: number; values: number }>;
        expect(await page.evaluate('document.scripts.length')).toBe(4);
        expect(await page.locator('#scenario-0 .description').textContent()).toContain(XSS);
        expect(charts.map((c) => c.id).sort()).toEqual(['box-0', 'box-1', 'ecdf-0', 'ecdf-1', 'failures-0']);
        for (const c of charts) {
          expect(c.width, c.id).toBeGreaterThan(100);
          expect(c.height, c.id).toBeGreaterThan(100);
          expect(c.datasets, c.id).toBeGreaterThan(0);
          expect(c.values, c.id).toBeGreaterThan(0);
          // Drawn: a fair share of the canvas holds ink (axes, boxes, lines), not a blank bitmap.
          expect(c.painted / (c.width * c.height), c.id).toBeGreaterThan(0.01);
        }
        expect(Object.fromEntries(charts.map((c) => [c.id, c.type]))).toEqual({ 'box-0': 'boxplot', 'box-1': 'boxplot', 'ecdf-0': 'line', 'ecdf-1': 'line', 'failures-0': 'bar' });
        // ECDF: one stepped line per cell that had successful trials (not the all-failed ipv4-only).
        expect(charts.find((c) => c.id === 'ecdf-0')!.datasets).toBe(2);

        const order = () => page.locator('#table-0 tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-cell')));
        const before = await order();
        expect(before).toEqual(['baseline · go1.26.8', 'dns-prewarm · go1.26.8', 'ipv4-only · go1.26.8']);
        const median = page.locator('#table-0 thead th', { hasText: 'median' });
        await median.click();
        expect(await order()).toEqual(['dns-prewarm · go1.26.8', 'baseline · go1.26.8', 'ipv4-only · go1.26.8']);
        expect(await median.getAttribute('aria-sort')).toBe('ascending');
        await median.click();
        expect(await order()).toEqual(['baseline · go1.26.8', 'dns-prewarm · go1.26.8', 'ipv4-only · go1.26.8']);
        await page.locator('#table-0 thead th', { hasText: 'DNS q/trial' }).click();
        expect(await order()).toEqual(['dns-prewarm · go1.26.8', 'baseline · go1.26.8', 'ipv4-only · go1.26.8']);
        await page.locator('#table-0 thead th', { hasText: 'mitigation' }).click();
        expect(await order()).toEqual(before);

        mkdirSync(ARTIFACTS, { recursive: true });
        const png = join(ARTIFACTS, 'report.png');
        await page.screenshot({ path: png, fullPage: true });
        expect(statSync(png).size).toBeGreaterThan(10 * 1024);

        expect(errors).toEqual([]);
        expect(network).toEqual([]);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
