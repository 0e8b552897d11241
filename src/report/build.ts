import { createRandom, type Random } from '../random.ts';
import type { TrialRecord } from '../runner/record.ts';
import { bootstrapMedianRatio, fisherExact, holm, mannWhitney, medianInterval, quantile, wilson } from '../stats/tests.ts';
import { REPORT_SCHEMA, type CellReport, type Report, type ReportSettings, type Verdict } from './model.ts';

export const DEFAULT_SETTINGS: Readonly<ReportSettings> = Object.freeze({ alpha: 0.05, threshold: 0.05, bootstrapResamples: 2_000, bootstrapSeed: 1 });

/** Times for rank statistics: successes by their time, deadline hits censored (Infinity); failures left out. */
function censoredTimes(cell: { durationsMs: readonly number[]; timeout: number }): number[] {
  return [...cell.durationsMs, ...Array<number>(cell.timeout).fill(Infinity)];
}

const mean = (values: readonly number[]) => (values.length ? values.reduce((s, v) => s + v, 0) / values.length : 0);

function cellOf(mitigation: string, goVersion: string, records: readonly TrialRecord[], alpha: number): CellReport {
  const ok = records.filter((r) => r.outcome === 'ok');
  const timeout = records.filter((r) => r.outcome === 'timeout').length;
  const fail = records.filter((r) => r.outcome === 'fail').length;
  const durationsMs = ok.map((r) => r.durationMs);
  const times = censoredTimes({ durationsMs, timeout });
  const median = medianInterval(times, alpha);
  const h1 = records.reduce((s, r) => s + r.http.h1, 0);
  const h2 = records.reduce((s, r) => s + r.http.h2, 0);
  const failureClasses: Record<string, number> = {};
  for (const r of records) if (r.failureClass) failureClasses[r.failureClass] = (failureClasses[r.failureClass] ?? 0) + 1;
  const setup = records.map((r) => r.mitigationSetupMs ?? 0);
  return {
    mitigation,
    goVersion,
    n: records.length,
    ok: ok.length,
    fail,
    timeout,
    harnessError: records.filter((r) => r.outcome === 'harness-error').length,
    failureRate: wilson(fail + timeout, records.length, alpha),
    time: {
      median: { value: median.median, low: median.low, high: median.high },
      p90: quantile(times, 0.9),
      p95: quantile(times, 0.95),
      min: durationsMs.length ? Math.min(...durationsMs) : null,
      max: durationsMs.length ? Math.max(...durationsMs) : null,
      censored: timeout,
    },
    vsBaseline: null,
    seen: {
      dnsQueries: mean(records.map((r) => r.dns.queries)),
      connections: mean(records.map((r) => r.tcp.connections)),
      tlsHandshakes: mean(records.map((r) => r.tls.handshakes)),
      h1Requests: h1,
      h2Requests: h2,
      h2Share: h1 + h2 ? h2 / (h1 + h2) : null,
      proxyConnects: mean(records.map((r) => r.proxy?.connects ?? 0)),
      mitigationSetupMs: setup.some((v) => v >= 1) ? quantile(setup, 0.5) : null,
    },
    failureClasses,
    durationsMs,
  };
}

interface Comparison {
  cell: CellReport;
  base: CellReport;
}

/**
 * Compares cells with their baselines: Mann-Whitney on times (censored included) and Fisher on
 * failure counts, each Holm-adjusted across the comparisons given (a scenario's matrix); a seeded bootstrap interval of the
 * median ratio. A verdict needs both the test and the interval to agree beyond the threshold.
 */
export function compareCells(pairs: readonly Comparison[], settings: ReportSettings, random: Random = createRandom(settings.bootstrapSeed)): void {
  const mw = pairs.map(({ cell, base }) => mannWhitney(censoredTimes(cell), censoredTimes(base))?.p ?? null);
  const fisher = pairs.map(({ cell, base }) => {
    const failC = cell.fail + cell.timeout;
    const failB = base.fail + base.timeout;
    return fisherExact(failC, cell.n - failC, failB, base.n - failB);
  });
  const mwPresent = mw.map((p, i) => ({ p, i })).filter((x): x is { p: number; i: number } => x.p !== null);
  const mwAdjusted = new Array<number | null>(pairs.length).fill(null);
  holm(mwPresent.map((x) => x.p)).forEach((p, k) => (mwAdjusted[mwPresent[k]!.i] = p));
  const fisherAdjusted = holm(fisher);

  pairs.forEach(({ cell, base }, i) => {
    const ratio = bootstrapMedianRatio(censoredTimes(cell), censoredTimes(base), random, settings.bootstrapResamples, settings.alpha);
    let timeVerdict: Verdict = '~';
    const pTime = mwAdjusted[i];
    if (pTime !== null && pTime !== undefined && pTime < settings.alpha) {
      if (ratio.high !== null && ratio.high < 1 - settings.threshold) timeVerdict = 'better';
      else if (ratio.low !== null && ratio.low > 1 + settings.threshold) timeVerdict = 'worse';
      // every resample of the cell censored (all timed out) while the baseline finished
      else if (ratio.low === null && ratio.high === null && ratio.ratio === null && cell.time.median.value === null && base.time.median.value !== null) timeVerdict = 'worse';
    }
    let failureVerdict: Verdict = '~';
    const rateC = cell.failureRate.value ?? 0;
    const rateB = base.failureRate.value ?? 0;
    if (fisherAdjusted[i]! < settings.alpha && Math.abs(rateC - rateB) > settings.threshold) failureVerdict = rateC < rateB ? 'better' : 'worse';
    cell.vsBaseline = {
      ratio: { value: ratio.ratio, low: ratio.low, high: ratio.high },
      mannWhitneyP: mw[i] ?? null,
      mannWhitneyPAdjusted: pTime ?? null,
      fisherP: fisher[i]!,
      fisherPAdjusted: fisherAdjusted[i]!,
      timeVerdict,
      failureVerdict,
      verdict: failureVerdict !== '~' ? failureVerdict : timeVerdict,
    };
  });
}

/** The report of a run: per scenario, one cell per mitigation x go version, compared with baseline. */
export function buildReport(records: readonly TrialRecord[], run: Record<string, unknown>, options: { title: string; settings?: Partial<ReportSettings>; skippedLines?: string[]; descriptions?: Record<string, string> }): Report {
  const settings: ReportSettings = { ...DEFAULT_SETTINGS, ...options.settings };
  const scenarios = [...new Set(records.map((r) => r.scenario))];
  const random = createRandom(settings.bootstrapSeed);
  const report: Report = {
    reportSchema: REPORT_SCHEMA,
    generatedAt: new Date().toISOString(),
    title: options.title,
    run,
    settings,
    trials: records.length,
    skippedLines: options.skippedLines ?? [],
    scenarios: scenarios.map((name) => {
      const mine = records.filter((r) => r.scenario === name);
      const keys = [...new Set(mine.map((r) => `${r.mitigation}\u0000${r.goVersion}`))];
      const cells = keys.map((key) => {
        const [mitigation = '', goVersion = ''] = key.split('\u0000');
        return cellOf(mitigation, goVersion, mine.filter((r) => r.mitigation === mitigation && r.goVersion === goVersion), settings.alpha);
      });
      // baseline first, then by name: stable tables
      cells.sort((a, b) => Number(b.mitigation === 'baseline') - Number(a.mitigation === 'baseline') || a.mitigation.localeCompare(b.mitigation) || a.goVersion.localeCompare(b.goVersion));
      // Holm's family is the scenario's matrix: each scenario asks its own question
      const pairs: Comparison[] = [];
      for (const cell of cells) {
        const base = cells.find((c) => c.mitigation === 'baseline' && c.goVersion === cell.goVersion);
        if (base && base !== cell) pairs.push({ cell, base });
      }
      compareCells(pairs, settings, random);
      return { name, description: options.descriptions?.[name] ?? '', cells };
    }),
  };
  return report;
}
