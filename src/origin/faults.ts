import http2 from 'node:http2';
import { z } from 'zod';
import { globMatches } from '../faults/glob.ts';
import { duration, pattern, probability, timed } from '../faults/schema.ts';
import { FaultSet } from '../faults/fault-set.ts';
import type { Random } from '../random.ts';

/** A glob on the request path (after percent-decoding): '*' matches any run of characters, '/' included. */
const pathGlob = z
  .string()
  .regex(/^[/*][\x21-\x7e]*$/, 'a request path glob starting with "/" or "*", such as "/golang.org/x/*", "*.zip" or "*/@v/list"');

const common = { match: pattern, path: pathGlob.optional(), ...timed };
const afterBytes = z.number().int().min(0);

/**
 * HTTP faults, decided by the origin per request for the hosts (and paths) that match.
 * Those named h2-* touch HTTP/2 only: the same request over HTTP/1.1 is served normally.
 */
export const originFaultSchemas = [
  /** Answer with this status instead (after `delay`: a mirror slow to 404), with a seeded `probability` (default 1). */
  z.strictObject({ kind: z.literal('http-status'), status: z.literal([403, 404, 410, 429, 500, 502, 503]), delay: duration.optional(), probability: probability.optional(), ...common }),
  /** The response headers are sent only after `delay`. */
  z.strictObject({ kind: z.literal('http-slow-first-byte'), delay: duration, ...common }),
  /** Headers and the first `afterBytes` of the body, then nothing, forever; the connection stays open. */
  z.strictObject({ kind: z.literal('http-stall'), afterBytes, ...common }),
  /** After `afterStreams` matching streams on a session: GOAWAY with `code` (default NO_ERROR), and the session closes. */
  z.strictObject({ kind: z.literal('h2-goaway'), afterStreams: z.number().int().min(1), code: z.enum(['NO_ERROR', 'INTERNAL_ERROR', 'ENHANCE_YOUR_CALM']).optional(), ...common }),
  /** Headers and `afterBytes` of the body, then RST_STREAM with `code` (default INTERNAL_ERROR): golang/go#51323. */
  z.strictObject({
    kind: z.literal('h2-rst-stream'),
    afterBytes,
    code: z.enum(['INTERNAL_ERROR', 'PROTOCOL_ERROR', 'CANCEL', 'REFUSED_STREAM']).optional(),
    probability: probability.optional(),
    ...common,
  }),
  /** HTTP/2 streams never get a response (not even headers); HTTP/1.1 is served. */
  z.strictObject({ kind: z.literal('h2-stall'), ...common }),
] as const;

export type OriginFault = z.infer<(typeof originFaultSchemas)[number]>;
type OriginFaultKind = OriginFault['kind'];

type H2ErrorName = 'NO_ERROR' | 'INTERNAL_ERROR' | 'PROTOCOL_ERROR' | 'CANCEL' | 'REFUSED_STREAM' | 'ENHANCE_YOUR_CALM';

function h2ErrorCode(name: H2ErrorName): number {
  return http2.constants[`NGHTTP2_${name}`];
}

/** Whether a request path matches a path glob; unlike host patterns, case-sensitive. */
export function pathMatches(glob: string, path: string): boolean {
  return globMatches(glob, path);
}

/** What a real proxy says with each status (the go command prints it as "server response"). */
export function statusBody(status: number, path: string): string {
  const name = path.replace(/^\//, '');
  switch (status) {
    case 403:
      return `forbidden: ${name}\n`;
    case 404:
    case 410:
      return `not found: ${name}\n`;
    case 429:
      return 'too many requests\n';
    case 500:
      return 'internal error\n';
    case 502:
      return 'bad gateway\n';
    case 503:
      return 'service unavailable\n';
    default:
      return `error ${status}\n`;
  }
}

export interface OriginRequestContext {
  host: string;
  /** The path after percent-decoding, without the query. */
  path: string;
  protocol: 'h1' | 'h2';
  /** Trial time (TrialClock); faults never apply at -1, between trials. */
  elapsedMs: number;
  /** The HTTP/2 session carrying the request: h2-goaway counts streams per session. */
  session?: object;
}

/** What the origin does to one request. Absent fields: served normally. */
export interface OriginFaultDecision {
  /** Kinds of the faults that apply, in the order of the fault list. */
  kinds: OriginFaultKind[];
  /** Replace the site's response with this status (after `delayMs`). */
  status?: { status: number; delayMs: number };
  firstByteDelayMs: number;
  /** Send the headers and `afterBytes` of the body, then stall ('stall') or reset the stream with the HTTP/2 `code` ('rst'). */
  cut?: { action: 'stall'; afterBytes: number } | { action: 'rst'; afterBytes: number; code: number };
  /** Never respond (HTTP/2 only). */
  noResponse: boolean;
  /** Send GOAWAY with this code for the session, naming this stream as the last one processed, and close it. */
  goaway?: { code: number };
}

/**
 * Decides each request: the first matching active fault of each effect applies (the status, the
 * first-byte delay, the cut of the body, no response at all, the GOAWAY of the session).
 */
export class OriginFaultPolicy {
  readonly faults = new FaultSet<OriginFault>();
  private random: Random | undefined;
  /** Per HTTP/2 session, matching streams seen by each h2-goaway fault. */
  private streamCounts = new WeakMap<object, Map<OriginFault, number>>();

  /** How many requests each fault acted on this trial. */
  readonly acted = this.faults.acted;

  setFaults(faults: readonly OriginFault[], random: Random): void {
    this.faults.set(faults);
    this.random = random;
    this.streamCounts = new WeakMap();
  }

  clear(): void {
    this.faults.clear();
    this.streamCounts = new WeakMap();
  }

  decide(request: OriginRequestContext): OriginFaultDecision {
    const decision: OriginFaultDecision = { kinds: [], firstByteDelayMs: 0, noResponse: false };
    let firstByteDelayed = false;
    const isH2 = request.protocol === 'h2';
    for (const fault of this.faults.active(request.host, request.elapsedMs)) {
      if (!pathMatches(fault.path ?? '*', request.path)) continue;
      switch (fault.kind) {
        case 'http-status':
          if (decision.status || !this.roll(fault.probability)) continue;
          decision.status = { status: fault.status, delayMs: fault.delay ?? 0 };
          break;
        case 'http-slow-first-byte':
          if (firstByteDelayed) continue;
          firstByteDelayed = true;
          decision.firstByteDelayMs = fault.delay;
          break;
        case 'http-stall':
          if (decision.cut) continue;
          decision.cut = { action: 'stall', afterBytes: fault.afterBytes };
          break;
        case 'h2-rst-stream':
          if (!isH2 || decision.cut || !this.roll(fault.probability)) continue;
          decision.cut = { action: 'rst', afterBytes: fault.afterBytes, code: h2ErrorCode(fault.code ?? 'INTERNAL_ERROR') };
          break;
        case 'h2-stall':
          if (!isH2 || decision.noResponse) continue;
          decision.noResponse = true;
          break;
        case 'h2-goaway': {
          if (!isH2 || !request.session || decision.goaway) continue;
          let counts = this.streamCounts.get(request.session);
          if (!counts) this.streamCounts.set(request.session, (counts = new Map()));
          const seen = (counts.get(fault) ?? 0) + 1;
          counts.set(fault, seen);
          if (seen !== fault.afterStreams) continue;
          decision.goaway = { code: h2ErrorCode(fault.code ?? 'NO_ERROR') };
          break;
        }
      }
      decision.kinds.push(fault.kind);
      this.acted.add(fault);
    }
    return decision;
  }

  private roll(probability: number | undefined): boolean {
    if (probability === undefined || probability >= 1) return true;
    return (this.random?.float() ?? 1) < probability;
  }
}
