import type { Span, TrialTrace } from './schema.ts';

/** HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): the parts this export fills. */
interface HarEntry {
  pageref: string;
  startedDateTime: string;
  time: number;
  request: { method: string; url: string; httpVersion: string; cookies: []; headers: []; queryString: []; headersSize: -1; bodySize: -1 };
  response: { status: number; statusText: string; httpVersion: string; cookies: []; headers: []; content: { size: number; mimeType: string }; redirectURL: ''; headersSize: -1; bodySize: number };
  cache: Record<string, never>;
  timings: { send: number; wait: number; receive: number };
  connection: string;
  comment?: string;
}

export interface Har {
  log: {
    version: '1.2';
    creator: { name: string; version: string };
    pages: Array<{ startedDateTime: string; id: string; title: string; pageTimings: { onContentLoad: -1; onLoad: -1 }; comment?: string }>;
    entries: HarEntry[];
  };
}

const HTTP_VERSION = { h1: 'HTTP/1.1', h2: 'h2' } as const;

/** A request span as a HAR entry, as the origin saw it (times from the request to its end). */
function entryOf(trace: TrialTrace, span: Span, pageref: string): HarEntry {
  const a = span.args ?? {};
  const [method = 'GET', ...rest] = span.name.split(' ');
  const httpVersion = HTTP_VERSION[a['protocol'] === 'h2' ? 'h2' : 'h1'];
  const ttfbMs = typeof a['ttfbMs'] === 'number' && a['ttfbMs'] >= 0 ? a['ttfbMs'] : span.durMs;
  const bytes = typeof a['bytes'] === 'number' ? a['bytes'] : 0;
  const notes = [span.faults?.length ? `faults: ${span.faults.join(', ')}` : '', span.open ? 'still open when the logs were read' : ''].filter(Boolean);
  return {
    pageref,
    startedDateTime: new Date(Date.parse(trace.zeroAt) + span.startMs).toISOString(),
    time: span.durMs,
    request: { method, url: `https://${rest.join(' ')}`, httpVersion, cookies: [], headers: [], queryString: [], headersSize: -1, bodySize: -1 },
    response: { status: Number(a['status'] ?? 0), statusText: '', httpVersion, cookies: [], headers: [], content: { size: bytes, mimeType: '' }, redirectURL: '', headersSize: -1, bodySize: bytes },
    cache: {},
    timings: { send: 0, wait: ttfbMs, receive: Math.max(0, span.durMs - ttfbMs) },
    connection: String(a['connection'] ?? ''),
    ...(notes.length ? { comment: notes.join('; ') } : {}),
  };
}

/** The HTTP part of the traces as HAR 1.2: a page per trial, an entry per request the origin saw. */
export function harOf(traces: readonly TrialTrace[], version: string): Har {
  const pages = traces.map((t) => ({
    startedDateTime: t.zeroAt,
    id: `trial-${t.scenario}-${t.trial}`,
    title: `${t.scenario} · ${t.mitigation} · ${t.goVersion} · rep ${t.rep} (trial ${t.trial}): ${t.outcome}`,
    pageTimings: { onContentLoad: -1 as const, onLoad: -1 as const },
    ...(t.droppedSpans ? { comment: `${t.droppedSpans} span(s) of this trial were left out (cap)` } : {}),
  }));
  const entries = traces.flatMap((t, i) => t.spans.filter((s) => s.kind === 'request').map((s) => entryOf(t, s, pages[i]!.id)));
  return { log: { version: '1.2', creator: { name: 'gomod-chaos', version }, pages, entries } };
}
