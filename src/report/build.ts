import { createRandom, type Random } from '../random.ts';
import type { TrialRecord } from '../runner/record.ts';
import { checkExpectations, type Expectations } from '../scenario/expect.ts';
import { medianInterval, quantile, wilson } from '../stats/tests.ts';
import { REPORT_SCHEMA, type CellReport, type Report, type ReportSettings } from './model.ts';
import { faultsActedOf } from './faults-acted.ts';
import { trialLogsOf } from './trial-logs.ts';
import { censoredTimes, compareCells, type Comparison } from './verdict.ts';

export const DEFAULT_SETTINGS: Readonly<ReportSettings> = Object.freeze({ alpha: 0.05, threshold: 0.05, bootstrapResamples: 2_000, bootstrapSeed: 1 });

export { compareCells } from './verdict.ts';

const mean = (values: readonly number[]) => (values.length ? values.reduce((s, v) => s + v, 0) / values.length : 0);

/** The timed trials (ok: its time; deadline hit: null) in the order they started: the pairs of a run --against. */
function timesInOrder(records: readonly TrialRecord[]): Array<number | null> {
  return [...records]
    .sort((a, b) => (a.startedAt === b.startedAt ? 0 : a.startedAt < b.startedAt ? -1 : 1))
    .filter((r) => r.outcome === 'ok' || r.outcome === 'timeout')
    .map((r) => (r.outcome === 'ok' ? r.durationMs : null));
}

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
  const trialLogs = trialLogsOf(records);
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
    faultsActed: faultsActedOf(records),
    durationsMs,
    timesInOrderMs: timesInOrder(records),
    ...(trialLogs ? { trialLogs } : {}),
  };
}

/** The report of a run: per scenario, one cell per mitigation x go version, compared with baseline. */
export function buildReport(records: readonly TrialRecord[], run: Record<string, unknown>, options: { title: string; settings?: Partial<ReportSettings>; skippedLines?: string[]; descriptions?: Record<string, string>; expectations?: Record<string, Expectations | undefined> }): Report {
  const settings: ReportSettings = { ...DEFAULT_SETTINGS, ...options.settings };
  // a scenario with phases gets one section per phase ("name/phase"), each with its own baseline
  const sectionOf = (r: TrialRecord) => (r.phase ? `${r.scenario}/${r.phase}` : r.scenario);
  const scenarios = [...new Set(records.map(sectionOf))];
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
      const mine = records.filter((r) => sectionOf(r) === name);
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
      const expect = options.expectations?.[name];
      return { name, description: options.descriptions?.[name] ?? options.descriptions?.[mine[0]?.scenario ?? ''] ?? '', cells, ...(expect && Object.keys(expect).length ? { expectations: checkExpectations(expect, cells) } : {}) };
    }),
  };
  return report;
}
