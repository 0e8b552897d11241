import { z } from 'zod';
import { parseDuration, type Duration } from '../duration.ts';

/** Shared pieces of fault schemas: durations, host patterns, the timeline window. */
/** A duration as written (250, "250ms", "2s", "1m"); parsed once, here, to milliseconds. */
export const duration = z
  .custom<Duration>((v) => parseDuration(v) !== undefined, 'a duration such as 250, "250ms", "2s" or "1m"')
  .transform((v) => parseDuration(v) as number);

export const pattern = z
  .string()
  .min(1)
  .regex(/^([A-Za-z0-9.*_-]+|\$goproxy|\$gosumdb|\$module)$/, 'a host name, a pattern with "*" such as "*.example" or "*", or $goproxy / $gosumdb / $module (the toolchain\'s own hosts)');

export const timed = { from: duration.optional(), until: duration.optional() };

export const probability = z.number().min(0).max(1);

const ipv4 = z.string().regex(/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/, 'a loopback IPv4 address in 127.0.0.0/8 (traffic never leaves the machine)');
export const ipAddress = z.union([ipv4, z.literal('::1')]);
