import type { Fault } from '../faults/catalog.ts';

/**
 * Scenarios name the toolchain's own hosts symbolically, since they are read from `go env` and
 * never written into code: `$goproxy` is the host of the default GOPROXY, `$gosumdb` the checksum
 * database's, `$module` the host of the corpus's module paths. Resolved when a run starts.
 */
export interface HostTokens {
  goproxy: string;
  gosumdb: string | undefined;
  module: string;
}


function resolveHostToken(value: string, tokens: HostTokens): string {
  switch (value) {
    case '$goproxy':
      return tokens.goproxy;
    case '$gosumdb':
      // a toolchain without a checksum database: the fault matches nothing
      return tokens.gosumdb ?? '(no checksum database)';
    case '$module':
      return tokens.module;
    default:
      return value;
  }
}

export function resolveFaultHosts(faults: readonly Fault[], tokens: HostTokens): Fault[] {
  return faults.map((fault) => {
    const copy = { ...fault } as Fault & { match?: string; name?: string };
    if (typeof copy.match === 'string') copy.match = resolveHostToken(copy.match, tokens);
    if (copy.kind === 'hosts-entry' && typeof copy.name === 'string') copy.name = resolveHostToken(copy.name, tokens);
    return copy;
  });
}
