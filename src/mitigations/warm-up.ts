import { Resolver } from 'node:dns/promises';

/**
 * A DNS warm-up script as the field writes one: before the build, each name is resolved (A and
 * AAAA) through the local cache, so go's own lookups find it warm. A name that fails is skipped,
 * as `dig` in a shell loop would be.
 */
export async function warmUp(nameservers: readonly string[], names: readonly string[], timeoutMs = 5_000): Promise<void> {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  resolver.setServers([...nameservers]);
  await Promise.allSettled(names.flatMap((name) => [resolver.resolve4(name), resolver.resolve6(name)]));
}
