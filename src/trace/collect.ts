import { faultLabel } from '../faults/acted.ts';
import type { LayeredFaults } from '../faults/catalog.ts';
import { matchesPattern } from '../faults/window.ts';
import type { DnsQueryLogEntry } from '../dns/server.ts';
import type { HostLogs } from '../topology/hosts.ts';
import { MAX_SPANS_PER_TRIAL, type Span, type SpanSet } from './schema.ts';

/** Where the trial's time went on the client's side (ms since the trial clock started). */
export interface ClientPhases {
  /** When the workload (go) started. */
  goStartMs: number;
  goMs: number;
  /** What ran: download, build, test, script. */
  workload: string;
}

export interface TraceInput {
  logs: HostLogs;
  faults: LayeredFaults;
  /** Epoch ms when the trial clock started: the trace's zero. */
  zeroEpochMs: number;
  /** Epoch ms when the logs were read: where open spans end. */
  readEpochMs: number;
  client?: ClientPhases | undefined;
  maxSpans?: number;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/**
 * One trial's spans from what its hosts logged, each host's entries moved from its own log zero to
 * the trial clock's. Faults are marked where the component says one acted (DNS answers, firewall
 * actions, proxy answers, origin requests) and on connections through a faulted WAN link.
 */
export function spansOf(input: TraceInput): SpanSet {
  const endMs = round(input.readEpochMs - input.zeroEpochMs);
  const at = (zero: number | undefined, atMs: number) => round((zero ?? input.zeroEpochMs) + atMs - input.zeroEpochMs);
  const spans = [
    ...clientSpans(input.client),
    ...dnsSpans(input.logs, input.faults, at, input.client ? input.client.goStartMs + input.client.goMs : endMs),
    ...connectionSpans(input.logs, input.faults, at, endMs),
    ...originSpans(input.logs, input.faults, at, endMs),
    ...tunnelSpans(input.logs, input.faults, at, endMs),
    ...codeHostSpans(input.logs, at, endMs),
  ].sort((a, b) => a.startMs - b.startMs || a.kind.localeCompare(b.kind));
  const max = input.maxSpans ?? MAX_SPANS_PER_TRIAL;
  return { spans: spans.slice(0, max), droppedSpans: Math.max(0, spans.length - max), endMs, zeroAt: new Date(input.zeroEpochMs).toISOString() };
}

type At = (zero: number | undefined, atMs: number) => number;

/** Where a logged span lies: one still open (`open`) lasts until the logs were read (`endMs`). */
function extent(startMs: number, durationMs: number, open: boolean, endMs: number): Pick<Span, 'startMs' | 'durMs' | 'open'> {
  return { startMs, durMs: round(open ? Math.max(0, endMs - startMs) : durationMs), ...(open ? { open } : {}) };
}

/** The faults marked on a span, when any acted. */
const marks = (labels: readonly string[]): Pick<Span, 'faults'> => (labels.length ? { faults: [...labels] } : {});

function clientSpans(client: ClientPhases | undefined): Span[] {
  if (!client) return [];
  const setup: Span[] = client.goStartMs >= 1 ? [{ kind: 'client', name: 'mitigation setup', startMs: 0, durMs: round(client.goStartMs) }] : [];
  return [...setup, { kind: 'client', name: client.workload, startMs: round(client.goStartMs), durMs: round(client.goMs) }];
}

/**
 * A query answered lasts until its answer; one never answered (dropped, or sent to a dead
 * nameserver) is a wait: until the client asks the same again, or else until go ended.
 */
function dnsSpans(logs: HostLogs, faults: LayeredFaults, at: At, clientEndMs: number): Span[] {
  // a dead nameserver is in the client's resolv.conf because a trap put it there
  const deadBy = faults.client.filter((f) => f.kind === 'resolv-conf' && f.nameservers?.includes('dead')).map(faultLabel);
  const queries = [
    ...(logs.dns ?? []).map((q) => ({ q, startMs: at(logs.dnsZeroMs, q.atMs) })),
    ...(logs.deadDns ?? []).map((q) => ({ q: deadBy.length ? { ...q, fault: deadBy.join(', ') } : q, startMs: at(logs.deadDnsZeroMs, q.atMs) })),
  ].sort((a, b) => a.startMs - b.startMs);
  return queries.map(({ q, startMs }, i) => {
    const unanswered = q.rcode === 'DROPPED';
    const next = queries.slice(i + 1).find((o) => o.q.name === q.name && o.q.type === q.type);
    const endMs = unanswered ? (next?.startMs ?? Math.max(clientEndMs, startMs)) : startMs + q.responseMs;
    return {
      kind: 'dns',
      name: `${q.name} ${q.type}`,
      startMs,
      durMs: round(Math.max(0, endMs - startMs)),
      ...(q.fault ? { faults: q.fault.split(', ') } : {}),
      args: dnsArgs(q, unanswered),
    } satisfies Span;
  });
}

function dnsArgs(q: DnsQueryLogEntry, unanswered: boolean): Record<string, string | number> {
  return { rcode: q.rcode, server: q.server, transport: q.transport, ...(unanswered ? { wait: 'no answer: until the client asked again or gave up' } : { responseMs: round(q.responseMs) }) };
}

/** The label of the fault of `kind` in `faults` that matches `host` (its kind when none is found). */
function labelOf(kind: string, host: string, faults: ReadonlyArray<{ kind: string; match?: string | undefined }>): string {
  const fault = faults.find((f) => f.kind === kind && (!f.match || matchesPattern(f.match, host)));
  return fault ? faultLabel(fault) : kind;
}

function connectionSpans(logs: HostLogs, faults: LayeredFaults, at: At, endMs: number): Span[] {
  return (logs.firewall ?? []).map((c) => {
    const host = c.sni ?? '';
    const marked =
      c.action === 'forwarded'
        ? faults.wan.filter((f) => c.sni !== undefined && matchesPattern(f.match, c.sni)).map(faultLabel)
        : faults.firewall.some((f) => f.kind === c.action)
          ? [labelOf(c.action, host, faults.firewall)]
          : [];
    return {
      kind: 'connect',
      name: `TCP ${c.sni ?? `from ${c.from}`}`,
      ...extent(at(logs.firewallZeroMs, c.atMs), c.durationMs, c.durationMs === 0, endMs),
      ...marks(marked),
      args: { action: c.action, alpn: c.alpn.join(','), bytesUp: c.bytesUp, bytesDown: c.bytesDown },
    } satisfies Span;
  });
}

function originSpans(logs: HostLogs, faults: LayeredFaults, at: At, endMs: number): Span[] {
  const handshakes: Span[] = (logs.handshakes ?? []).map((h) => ({
    kind: 'tls',
    name: `TLS ${h.sni ?? '(no SNI)'}`,
    startMs: at(logs.originZeroMs, h.atMs),
    durMs: 0,
    args: { alpn: h.alpn === false ? 'none' : h.alpn, connection: h.connectionId },
  }));
  const requests: Span[] = (logs.requests ?? []).map((r) => {
    const marked = r.fault ? r.fault.split('+').map((kind) => labelOf(kind, r.host, faults.origin)) : [];
    return {
      kind: 'request',
      name: `${r.method} ${r.host}${r.path}`,
      ...extent(at(logs.originZeroMs, r.atMs), r.durationMs, r.durationMs < 0, endMs),
      ...marks(marked),
      args: { status: r.status, protocol: r.protocol, ttfbMs: round(r.ttfbMs), bytes: r.bytes, connection: r.connectionId },
    };
  });
  return [...handshakes, ...requests];
}

function tunnelSpans(logs: HostLogs, faults: LayeredFaults, at: At, endMs: number): Span[] {
  return (logs.proxy ?? []).map((t) => ({
    kind: 'tunnel',
    name: `CONNECT ${t.target || '(none)'}:${t.port}`,
    ...extent(at(logs.proxyZeroMs, t.atMs), t.durationMs, t.durationMs === 0, endMs),
    ...marks(t.fault ? [labelOf(t.fault, t.target, faults.proxy)] : []),
    args: { status: t.status, bytesUp: t.bytesUp, bytesDown: t.bytesDown, ...(t.reason ? { reason: t.reason } : {}) },
  }));
}

/** Requests at the code host (go's ?go-get=1 discovery, git's smart HTTP). */
function codeHostSpans(logs: HostLogs, at: At, endMs: number): Span[] {
  return (logs.vcs ?? []).map((r) => ({
    kind: 'request',
    name: `${r.method} ${r.host}${r.url}`,
    ...extent(at(logs.vcsZeroMs, r.atMs), r.durationMs, r.durationMs < 0, endMs),
    args: { status: r.status, protocol: r.protocol, bytes: r.bytes, userAgent: r.userAgent, host: 'code host' },
  }));
}
