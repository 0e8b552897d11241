import { z } from 'zod';
import { ipAddress } from '../faults/schema.ts';

/**
 * Nameservers a resolv.conf can list: the run's resolver, one that never answers (a dead
 * server: queries time out) and an address where nothing listens (queries are refused at once).
 */
export interface ResolverAddresses {
  resolver: string;
  deadResolver: string;
  refusingResolver: string;
}

function nameserverAddresses(addresses: ResolverAddresses) {
  return { fake: addresses.resolver, dead: addresses.deadResolver, refusing: addresses.refusingResolver };
}

const resolvOptions = z.strictObject({
  timeoutSec: z.number().int().min(1).max(30).optional(),
  attempts: z.number().int().min(1).max(5).optional(),
  ndots: z.number().int().min(0).max(15).optional(),
  rotate: z.boolean().optional(),
  singleRequest: z.boolean().optional(),
  singleRequestReopen: z.boolean().optional(),
  useVc: z.boolean().optional(),
});

export type ResolvOptions = z.infer<typeof resolvOptions>;

/** Traps in the client's own files: its /etc/resolv.conf and /etc/hosts. */
export const clientTrapSchemas = [
  z.strictObject({
    kind: z.literal('resolv-conf'),
    nameservers: z.array(z.enum(['fake', 'dead', 'refusing'])).min(1).max(3).optional(),
    search: z.array(z.string().regex(/^[A-Za-z0-9.-]+$/)).max(6).optional(),
    options: resolvOptions.optional(),
  }),
  /** A stale /etc/hosts line: the name goes to this address without any DNS query. */
  z.strictObject({ kind: z.literal('hosts-entry'), name: z.string().regex(/^([A-Za-z0-9.-]+|\$goproxy|\$gosumdb|\$module)$/, 'a host name, or $goproxy / $gosumdb / $module'), address: ipAddress }),
] as const;

export type ClientTrap = z.infer<(typeof clientTrapSchemas)[number]>;

export interface ClientFiles {
  resolvConf: string;
  hosts: string;
}

/** The client's resolv.conf and hosts for a trial: the clean ones, changed by traps and mitigation options. */
export function clientFiles(traps: readonly ClientTrap[], mitigationOptions: ResolvOptions | undefined, addresses: ResolverAddresses): ClientFiles {
  const conf = traps.find((t): t is Extract<ClientTrap, { kind: 'resolv-conf' }> => t.kind === 'resolv-conf');
  const known = nameserverAddresses(addresses);
  const nameservers = (conf?.nameservers ?? ['fake']).map((n) => known[n]);
  const options = { ...conf?.options, ...(mitigationOptions ?? {}) };
  const lines = nameservers.map((ns) => `nameserver ${ns}`);
  if (conf?.search?.length) lines.push(`search ${conf.search.join(' ')}`);
  const opts: string[] = [];
  if (options.timeoutSec !== undefined) opts.push(`timeout:${options.timeoutSec}`);
  if (options.attempts !== undefined) opts.push(`attempts:${options.attempts}`);
  if (options.ndots !== undefined) opts.push(`ndots:${options.ndots}`);
  if (options.rotate) opts.push('rotate');
  if (options.singleRequest) opts.push('single-request');
  if (options.singleRequestReopen) opts.push('single-request-reopen');
  if (options.useVc) opts.push('use-vc');
  if (opts.length) lines.push(`options ${opts.join(' ')}`);

  const hosts = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];
  for (const trap of traps) if (trap.kind === 'hosts-entry') hosts.push(`${trap.address}\t${trap.name}`);
  return { resolvConf: lines.join('\n') + '\n', hosts: hosts.join('\n') + '\n' };
}
