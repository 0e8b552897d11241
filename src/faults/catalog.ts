import { z } from 'zod';
import { clientTrapSchemas, type ClientTrap } from '../client/traps.ts';
import { dnsFaultSchemas, type DnsFault } from '../dns/faults.ts';
import { firewallFaultSchemas, type FirewallFault } from '../firewall/rules.ts';
import { originFaultSchemas, type OriginFault } from '../origin/faults.ts';
import { proxyFaultSchemas, type ProxyFault } from '../proxy/faults.ts';
import { sumdbFaultSchemas, type SumdbFault } from '../sumdb/faults.ts';
import { wanFaultSchemas, type WanFault } from '../wan/faults.ts';

/** Every fault of the catalog, each declared by the layer where it happens. */
export const faultSchema = z.discriminatedUnion('kind', [
  ...dnsFaultSchemas,
  ...clientTrapSchemas,
  ...wanFaultSchemas,
  ...firewallFaultSchemas,
  ...proxyFaultSchemas,
  ...sumdbFaultSchemas,
  ...originFaultSchemas,
]);

export type Fault = z.infer<typeof faultSchema>;
export type FaultKind = Fault['kind'];

export const FAULT_KINDS = {
  dns: dnsFaultSchemas.map((s) => s.shape.kind.value),
  client: clientTrapSchemas.map((s) => s.shape.kind.value),
  tcp: wanFaultSchemas.map((s) => s.shape.kind.value),
  tls: firewallFaultSchemas.map((s) => s.shape.kind.value),
  proxy: proxyFaultSchemas.map((s) => s.shape.kind.value),
  http: originFaultSchemas.map((s) => s.shape.kind.value),
  sumdb: sumdbFaultSchemas.map((s) => s.shape.kind.value),
} as const;

/** A trial's faults, sorted by the component that plays them. */
export interface LayeredFaults {
  dns: DnsFault[];
  client: ClientTrap[];
  wan: WanFault[];
  firewall: FirewallFault[];
  proxy: ProxyFault[];
  origin: OriginFault[];
  /** Faults of the checksum database's own log (src/sumdb/faults.ts). */
  sumdb: SumdbFault[];
}

function kindsOf(schemas: ReadonlyArray<{ shape: { kind: { value: string } } }>): Set<string> {
  return new Set(schemas.map((s) => s.shape.kind.value));
}

const LAYER_KINDS = {
  dns: kindsOf(dnsFaultSchemas),
  client: kindsOf(clientTrapSchemas),
  wan: kindsOf(wanFaultSchemas),
  firewall: kindsOf(firewallFaultSchemas),
  proxy: kindsOf(proxyFaultSchemas),
  origin: kindsOf(originFaultSchemas),
  sumdb: kindsOf(sumdbFaultSchemas),
};

export function layerFaults(faults: readonly Fault[]): LayeredFaults {
  const out: LayeredFaults = { dns: [], client: [], wan: [], firewall: [], proxy: [], origin: [], sumdb: [] };
  for (const fault of faults) {
    const layer = (Object.keys(LAYER_KINDS) as Array<keyof LayeredFaults>).find((l) => LAYER_KINDS[l].has(fault.kind));
    if (layer) (out[layer] as Fault[]).push(fault);
  }
  return out;
}
