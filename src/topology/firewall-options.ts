import type { TrialClock } from '../faults/window.ts';
import type { FirewallOptions } from '../firewall/server.ts';
import type { RunPki } from '../tls/run-pki.ts';
import type { TopologyAddresses } from './addresses.ts';

/** What the firewall needs of a network plan (hosts.ts NetworkPlan has it all). */
export interface FirewallPlan {
  addresses: TopologyAddresses;
  hosts: ReadonlyArray<{ name: string }>;
  pki: Pick<RunPki, 'caCertPem' | 'inspectionCertificates'>;
  corporateProxy?: { mandatory: boolean } | undefined;
  benchTaps?: { firewallNodeRelayPort?: number | undefined } | undefined;
  wanInRelay?: { logFile: string } | undefined;
}

/** WAN link (Toxiproxy listener port) of each public host, in the plan's order. */
export function wanPort(plan: Pick<FirewallPlan, 'addresses' | 'hosts'>, name: string): number {
  return plan.addresses.wanFirstPort + plan.hosts.findIndex((h) => h.name === name);
}

/**
 * The SNI firewall of a plan: on the edge's addresses, each name routed to its WAN link. Apart
 * from hosts.ts so the firewall's own process (firewall-process.ts) loads only the firewall.
 */
export function firewallOptions(plan: FirewallPlan, clock: TrialClock): FirewallOptions {
  const a = plan.addresses;
  const at = (port: number) => [{ host: a.firewall, port }, ...(a.firewallV6 ? [{ host: a.firewallV6, port }] : [])];
  const nodeRelayPort = plan.benchTaps?.firewallNodeRelayPort;
  return {
    listen: [...at(a.httpsPort), ...(nodeRelayPort ? at(nodeRelayPort).map((l) => ({ ...l, relay: 'node' as const })) : [])],
    routes: new Map(plan.hosts.map((h) => [h.name, { host: a.wan, port: wanPort(plan, h.name) }])),
    harnessCaPem: plan.pki.caCertPem,
    inspectionCertificates: plan.pki.inspectionCertificates,
    ...(plan.corporateProxy?.mandatory ? { onlyFrom: a.corporateProxy } : {}),
    clock,
    // forwarded bytes flow through the Go relay when it is built (checkPrerequisites builds it)
    relay: 'go',
    ...(plan.wanInRelay ? { wan: { apiHost: a.wan, apiPort: a.wanApiPort, logFile: plan.wanInRelay.logFile } } : {}),
  };
}
