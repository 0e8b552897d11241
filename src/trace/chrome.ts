import { z } from 'zod';
import { SPAN_KINDS, type Span, type TrialTrace } from './schema.ts';

/**
 * The Trace Event Format (the JSON chrome://tracing and Perfetto open): the fields this export
 * uses. A complete event (ph X) needs ts and dur in microseconds; metadata events (ph M) name a
 * process (one per trial) and its threads (one track per kind of span, more where spans overlap).
 */
const chromeEventSchema = z.discriminatedUnion('ph', [
  z.object({
    ph: z.literal('X'),
    name: z.string(),
    cat: z.string(),
    ts: z.number().min(0),
    dur: z.number().min(0),
    pid: z.number().int().min(1),
    tid: z.number().int().min(1),
    cname: z.string().optional(),
    args: z.record(z.string(), z.unknown()).optional(),
  }),
  z.object({
    ph: z.literal('M'),
    name: z.enum(['process_name', 'thread_name', 'process_sort_index', 'thread_sort_index']),
    pid: z.number().int().min(1),
    tid: z.number().int().min(0),
    ts: z.number().optional(),
    args: z.object({ name: z.string().optional(), sort_index: z.number().optional() }),
  }),
]);
export const chromeTraceSchema = z.object({
  traceEvents: z.array(chromeEventSchema),
  displayTimeUnit: z.enum(['ms', 'ns']),
  otherData: z.record(z.string(), z.string()).optional(),
});
export type ChromeTrace = z.infer<typeof chromeTraceSchema>;
type ChromeEvent = ChromeTrace['traceEvents'][number];

const LANE_STRIDE = 100;

/** Tracks of one trial: spans of a kind share a track until they overlap, then take the next one. */
function lanesOf(spans: readonly Span[]): number[] {
  const ends = new Map<string, number[]>();
  return spans.map((s) => {
    const kindEnds = ends.get(s.kind) ?? [];
    ends.set(s.kind, kindEnds);
    let lane = kindEnds.findIndex((end) => end <= s.startMs);
    if (lane < 0) lane = kindEnds.push(0) - 1;
    kindEnds[lane] = s.startMs + s.durMs;
    return (SPAN_KINDS.indexOf(s.kind) + 1) * LANE_STRIDE + lane;
  });
}

function trialEvents(trace: TrialTrace, pid: number): ChromeEvent[] {
  const lanes = lanesOf(trace.spans);
  const title = `${trace.scenario} · ${trace.mitigation} · ${trace.goVersion} · rep ${trace.rep} (trial ${trace.trial}${trace.phase ? `, ${trace.phase}` : ''}): ${trace.outcome}${trace.failureClass ? ` ${trace.failureClass}` : ''}`;
  const meta: ChromeEvent[] = [
    { ph: 'M', name: 'process_name', pid, tid: 0, args: { name: title } },
    { ph: 'M', name: 'process_sort_index', pid, tid: 0, args: { sort_index: pid } },
    ...[...new Set(lanes)].map((tid): ChromeEvent => ({ ph: 'M', name: 'thread_name', pid, tid, args: { name: `${SPAN_KINDS[Math.floor(tid / LANE_STRIDE) - 1]}${tid % LANE_STRIDE ? ` #${(tid % LANE_STRIDE) + 1}` : ''}` } })),
  ];
  const spans = trace.spans.map((s, i): ChromeEvent => ({
    ph: 'X',
    name: s.faults?.length ? `${s.name} [${s.faults.join(', ')}]` : s.name,
    cat: s.faults?.length ? `${s.kind},fault` : s.kind,
    ts: Math.max(0, Math.round(s.startMs * 1000)),
    dur: Math.round(s.durMs * 1000),
    pid,
    tid: lanes[i]!,
    ...(s.faults?.length ? { cname: 'terrible' } : {}),
    args: { ...s.args, ...(s.faults?.length ? { faults: s.faults } : {}), ...(s.open ? { open: 'still open when the logs were read' } : {}) },
  }));
  return [...meta, ...spans];
}

/** The traces as one Chrome trace: a process per trial, every trial from its own zero. */
export function chromeTrace(traces: readonly TrialTrace[]): ChromeTrace {
  const dropped = traces.filter((t) => t.droppedSpans > 0);
  return {
    traceEvents: traces.flatMap((t, i) => trialEvents(t, i + 1)),
    displayTimeUnit: 'ms',
    otherData: {
      generator: 'gomod-chaos',
      clock: 'each trial (process) starts at 0: the moment its trial clock started',
      ...(dropped.length ? { truncated: `${dropped.length} trial(s) had more spans than kept: ${dropped.map((t) => `${t.scenario} trial ${t.trial} (${t.droppedSpans} left out)`).join('; ')}` } : {}),
    },
  };
}
