import { z } from 'zod';
import type { ToxicType } from 'toxiproxy-node-client';
import { duration, pattern, probability, timed } from '../faults/schema.ts';

const direction = z.enum(['upstream', 'downstream']).optional();
const common = { match: pattern, direction, toxicity: probability.optional(), ...timed };

/**
 * TCP faults: toxics of the real Toxiproxy on the WAN link of every matching hostname.
 * `direction` is Toxiproxy's stream: upstream = client to server, downstream = server to client
 * (the default). `toxicity` is the share of connections affected (default 1).
 */
export const wanFaultSchemas = [
  z.strictObject({ kind: z.literal('tcp-latency'), latency: duration, jitter: duration.optional(), ...common }),
  z.strictObject({ kind: z.literal('tcp-bandwidth'), rateKBps: z.number().int().min(1), ...common }),
  /** Connections are reset (RST) after `after` (default at once). */
  z.strictObject({ kind: z.literal('tcp-reset'), after: duration.optional(), ...common }),
  /** Data stops flowing; the connection closes after `closeAfter`, or never. */
  z.strictObject({ kind: z.literal('tcp-blackhole'), closeAfter: duration.optional(), ...common }),
  z.strictObject({ kind: z.literal('tcp-slow-close'), delay: duration, ...common }),
  z.strictObject({ kind: z.literal('tcp-slicer'), averageSizeBytes: z.number().int().min(1), sizeVariationBytes: z.number().int().min(0), delayUs: z.number().int().min(0), ...common }),
  /** The connection is closed once this many bytes have passed: a download cut mid-zip. */
  z.strictObject({ kind: z.literal('tcp-limit-data'), bytes: z.number().int().min(1), ...common }),
  /** The link is down: connections to the host are refused. */
  z.strictObject({ kind: z.literal('tcp-down'), match: pattern, ...timed }),
] as const;

export type WanFault = z.infer<(typeof wanFaultSchemas)[number]>;

export interface ToxicSpec {
  type: ToxicType;
  stream: 'upstream' | 'downstream';
  toxicity: number;
  attributes: Record<string, number>;
}

/** Toxiproxy takes whole milliseconds. */
const ms = (durationMs: number | undefined) => Math.round(durationMs ?? 0);

/** The Toxiproxy toxic for a fault (undefined for tcp-down, which disables the proxy instead). */
export function toxicFor(fault: WanFault): ToxicSpec | undefined {
  if (fault.kind === 'tcp-down') return undefined;
  const base = { stream: fault.direction ?? 'downstream', toxicity: fault.toxicity ?? 1 } as const;
  switch (fault.kind) {
    case 'tcp-latency':
      return { ...base, type: 'latency', attributes: { latency: ms(fault.latency), jitter: ms(fault.jitter) } };
    case 'tcp-bandwidth':
      return { ...base, type: 'bandwidth', attributes: { rate: fault.rateKBps } };
    case 'tcp-reset':
      return { ...base, type: 'reset_peer', attributes: { timeout: ms(fault.after) } };
    case 'tcp-blackhole':
      return { ...base, type: 'timeout', attributes: { timeout: ms(fault.closeAfter) } };
    case 'tcp-slow-close':
      return { ...base, type: 'slow_close', attributes: { delay: ms(fault.delay) } };
    case 'tcp-slicer':
      return { ...base, type: 'slicer', attributes: { average_size: fault.averageSizeBytes, size_variation: fault.sizeVariationBytes, delay: fault.delayUs } };
    case 'tcp-limit-data':
      return { ...base, type: 'limit_data', attributes: { bytes: fault.bytes } };
  }
}
