import { gosumdbHost, parseGosumdb } from '../client/toolchain.ts';
import type { HostLogs, NetworkPlan } from '../topology/hosts.ts';

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

/** What the components saw during one trial. */
export interface Observations {
  dns: { queries: number; byName: Record<string, number>; failed: number };
  tcp: { connections: number };
  tls: { handshakes: number; sni: Record<string, number> };
  http: { requests: number; h1: number; h2: number; byStatus: Record<string, number>; bytes: number };
  /** Connections the firewall did not simply pass, by what it did. */
  firewall: Record<string, number>;
  proxy: { connects: number; byStatus: Record<string, number> };
  /**
   * Requests for the checksum database at the origin, at its own host or through a proxy's
   * /sumdb/<name>/ path (not counting the /supported probe), whatever the answer; `timeMs` is the
   * sum of their durations at the origin.
   */
  sumdb: { requests: number; lookups: number; tiles: number; timeMs: number };
  /**
   * The code host (direct VCS fetches): go's `?go-get=1` requests, git's smart HTTP requests
   * (User-Agent git/...), by status and protocol. Absent when it saw no request.
   */
  vcs?: { requests: number; goGet: number; git: number; h1: number; h2: number; byStatus: Record<string, number>; bytes: number };
  /** Real programs of the run (scenario `components`): the lines each logged during the trial. */
  components?: Record<string, { log: string[] }>;
  /**
   * Per fault ("kind match"), how many times it acted this trial: DNS answers changed, connections
   * the firewall acted on, requests the origin changed, CONNECTs the proxy delayed or refused,
   * connections through a faulted WAN link. Faults of the client and the checksum log are not counted.
   * Absent in records written before the harness counted.
   */
  faultsActed?: Record<string, number>;
}

/** Turns the hosts' logs of one trial into the record's observations. */
export function observationsOf(logs: HostLogs, plan: Pick<NetworkPlan, 'hosts' | 'defaultGosumdb'>): Observations {
  const queries = [...(logs.dns ?? []), ...(logs.deadDns ?? [])];
  const connections = logs.firewall ?? [];
  const handshakes = logs.handshakes ?? [];
  const requests = logs.requests ?? [];
  const tunnels = logs.proxy ?? [];
  const originNow = logs.originNow ?? 0;
  const kindOf = sumdbRequestKind(plan);
  const sumdbRequests = requests.flatMap((r) => {
    const kind = kindOf(r.host, r.path);
    return kind ? [{ kind, ms: r.durationMs >= 0 ? r.durationMs : originNow - r.atMs }] : [];
  });
  const vcs = logs.vcs ?? [];
  return {
    ...(vcs.length ? { vcs: vcsObservations(vcs) } : {}),
    dns: { queries: queries.length, byName: countBy(queries, (q) => `${q.name} ${q.type}`), failed: queries.filter((q) => q.rcode !== 'NOERROR').length },
    tcp: { connections: connections.length },
    tls: { handshakes: handshakes.length, sni: countBy(handshakes, (h) => h.sni ?? '(none)') },
    http: {
      requests: requests.length,
      h1: requests.filter((r) => r.protocol === 'h1').length,
      h2: requests.filter((r) => r.protocol === 'h2').length,
      byStatus: countBy(requests, (r) => String(r.status)),
      bytes: requests.reduce((sum, r) => sum + r.bytes, 0),
    },
    firewall: countBy(connections.filter((c) => c.action !== 'forwarded'), (c) => c.action),
    proxy: { connects: tunnels.length, byStatus: countBy(tunnels, (t) => String(t.status)) },
    faultsActed: { ...logs.dnsActed, ...logs.firewallActed, ...logs.originActed, ...logs.proxyActed, ...logs.wanActed },
    sumdb: {
      requests: sumdbRequests.length,
      lookups: sumdbRequests.filter((r) => r.kind === 'lookup').length,
      tiles: sumdbRequests.filter((r) => r.kind === 'tile').length,
      timeMs: Math.round(sumdbRequests.reduce((sum, r) => sum + r.ms, 0) * 10) / 10,
    },
  };
}

function vcsObservations(requests: NonNullable<HostLogs['vcs']>): NonNullable<Observations['vcs']> {
  return {
    requests: requests.length,
    goGet: requests.filter((r) => /[?&]go-get=1\b/.test(r.url)).length,
    git: requests.filter((r) => r.userAgent.startsWith('git/')).length,
    h1: requests.filter((r) => r.protocol === 'h1').length,
    h2: requests.filter((r) => r.protocol === 'h2').length,
    byStatus: countBy(requests, (r) => String(r.status)),
    bytes: requests.reduce((sum, r) => sum + r.bytes, 0),
  };
}

/** What a request asks of the checksum database, directly or through a proxy; undefined when nothing. */
function sumdbRequestKind(plan: Pick<NetworkPlan, 'hosts' | 'defaultGosumdb'>): (host: string, path: string) => 'lookup' | 'tile' | 'other' | undefined {
  const sumdb = parseGosumdb(plan.defaultGosumdb ?? '');
  if (!sumdb) return () => undefined;
  const sumdbHost = gosumdbHost(plan.defaultGosumdb ?? '');
  const proxies = new Set(plan.hosts.filter((h) => h.role === 'goproxy' && h.proxiesSumdb).map((h) => h.name));
  const prefix = `/sumdb/${sumdb.name}/`;
  return (host, path) => {
    let rest: string;
    if (host === sumdbHost) rest = path;
    else if (proxies.has(host) && path.startsWith(prefix)) rest = path.slice(prefix.length - 1);
    else return undefined;
    if (rest === '/supported') return undefined;
    return rest.startsWith('/lookup/') ? 'lookup' : rest.startsWith('/tile/') ? 'tile' : 'other';
  };
}
