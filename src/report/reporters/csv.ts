import type { TrialRecord } from '../../runner/record.ts';
import type { Reporter } from './reporter.ts';

const COLUMNS: Array<[string, (r: TrialRecord) => unknown]> = [
  ['scenario', (r) => r.scenario],
  ['mitigation', (r) => r.mitigation],
  ['goVersion', (r) => r.goVersion],
  ['rep', (r) => r.rep],
  ['trial', (r) => r.trial],
  ['outcome', (r) => r.outcome],
  ['failureClass', (r) => r.failureClass ?? ''],
  ['durationMs', (r) => r.durationMs],
  ['mitigationSetupMs', (r) => r.mitigationSetupMs ?? ''],
  ['attempts', (r) => r.attempts ?? 1],
  ['exitCode', (r) => r.exitCode ?? ''],
  ['modules', (r) => r.modules],
  ['bytes', (r) => r.bytes],
  ['dnsQueries', (r) => r.dns.queries],
  ['tcpConnections', (r) => r.tcp.connections],
  ['tlsHandshakes', (r) => r.tls.handshakes],
  ['httpRequests', (r) => r.http.requests],
  ['h1', (r) => r.http.h1],
  ['h2', (r) => r.http.h2],
  // records written before the checksum database existed have no sumdb field
  ['sumdbRequests', (r) => r.sumdb?.requests ?? ''],
  ['sumdbLookups', (r) => r.sumdb?.lookups ?? ''],
  ['sumdbTiles', (r) => r.sumdb?.tiles ?? ''],
  ['sumdbTimeMs', (r) => r.sumdb?.timeMs ?? ''],
  ['startedAt', (r) => r.startedAt],
];

const cell = (v: unknown) => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** results.csv: one row per trial, for spreadsheets and notebooks. */
export const csvReporter: Reporter = {
  file: 'results.csv',
  render: (_report, records) => [COLUMNS.map(([name]) => name).join(','), ...records.map((r) => COLUMNS.map(([, get]) => cell(get(r))).join(','))].join('\n') + '\n',
};
