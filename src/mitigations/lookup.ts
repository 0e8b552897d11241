import { Resolver } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';

/** A net lookup that asks these nameservers (IPv4), as a program on the client host would. */
export function lookupVia(nameservers: readonly string[]): LookupFunction {
  const resolver = new Resolver({ timeout: 5_000, tries: 2 });
  resolver.setServers([...nameservers]);
  return (hostname, options, callback) => {
    resolver.resolve4(hostname).then(
      (addresses) => {
        if (options.all) callback(null, addresses.map((address) => ({ address, family: 4 })));
        else callback(null, addresses[0]!, 4);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 4),
    );
  };
}
