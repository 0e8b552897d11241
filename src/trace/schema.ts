import { z } from 'zod';

/**
 * What a span is: the client's own phases (mitigation setup, go), a DNS query and the wait for its
 * answer, a TCP connection through the firewall, a TLS handshake at the origin (a mark: its end
 * is logged, not its start), a CONNECT tunnel through the corporate proxy, an HTTP request.
 */
export const SPAN_KINDS = ['client', 'dns', 'connect', 'tls', 'tunnel', 'request'] as const;
export type SpanKind = (typeof SPAN_KINDS)[number];

const spanSchema = z.object({
  kind: z.enum(SPAN_KINDS),
  name: z.string(),
  /** ms since the trial clock started (the client's first move, before any mitigation setup). */
  startMs: z.number(),
  durMs: z.number().min(0),
  /** Still open when the logs were read (it ends with the trace). */
  open: z.boolean().optional(),
  /** Labels ("kind match") of the faults that acted on it. */
  faults: z.array(z.string()).optional(),
  /** What the component logged about it (status, rcode, bytes...). */
  args: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type Span = z.infer<typeof spanSchema>;

/** At most this many spans are kept per trial (the earliest); the rest are counted in `droppedSpans`. */
export const MAX_SPANS_PER_TRIAL = 1_500;

/** The spans of one trial, before the record's identity is added. */
const spanSetSchema = z.object({
  spans: z.array(spanSchema),
  /** Spans left out because the trial had more than MAX_SPANS_PER_TRIAL (0: the trace is complete). */
  droppedSpans: z.number().int().min(0),
  /** ms from the clock's start to the moment the logs were read: where open spans end. */
  endMs: z.number(),
  /** When the trial clock started (ISO time): the zero of startMs. */
  zeroAt: z.string(),
});
export type SpanSet = z.infer<typeof spanSetSchema>;

/** One line of trace.jsonl: a trial's spans, keyed like its record (scenario + trial). */
export const trialTraceSchema = spanSetSchema.extend({
  scenario: z.string(),
  trial: z.number().int(),
  mitigation: z.string(),
  goVersion: z.string(),
  rep: z.number().int(),
  phase: z.string().optional(),
  outcome: z.string(),
  failureClass: z.string().nullable(),
  durationMs: z.number(),
});
export type TrialTrace = z.infer<typeof trialTraceSchema>;
