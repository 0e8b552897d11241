import { z } from 'zod';
import { FaultPolicy } from '../faults/fault-set.ts';
import { duration, pattern, timed } from '../faults/schema.ts';

/**
 * TLS / SNI faults: rules of the network edge, decided per connection from the ClientHello.
 * (Connections without SNI are always dropped: no route can be chosen for them.)
 */
export const firewallFaultSchemas = [
  /** An SNI filter: the connection is reset right after the ClientHello. */
  z.strictObject({ kind: z.literal('sni-reset'), match: pattern, ...timed }),
  /** An SNI filter that closes instead: a FIN right after the ClientHello (haproxy's reject, squid's terminate). */
  z.strictObject({ kind: z.literal('sni-close'), match: pattern, ...timed }),
  /** The ClientHello is swallowed and nothing ever answers: go waits out its TLS handshake timeout. */
  z.strictObject({ kind: z.literal('sni-blackhole'), match: pattern, ...timed }),
  /** The ClientHello is held this long before it goes on (a slow inspecting gateway). */
  z.strictObject({ kind: z.literal('tls-handshake-delay'), match: pattern, delay: duration, ...timed }),
  /** Corporate TLS inspection: TLS terminated with a certificate from the inspection CA (not trusted by default). */
  z.strictObject({ kind: z.literal('tls-mitm'), match: pattern, alpn: z.array(z.enum(['h2', 'http/1.1'])).min(1).optional(), ...timed }),
  /** An h2-intolerant middlebox: connections whose ClientHello offers h2 are reset. */
  z.strictObject({ kind: z.literal('tls-refuse-h2'), match: pattern, ...timed }),
] as const;

export type FirewallFault = z.infer<(typeof firewallFaultSchemas)[number]>;

/** The edge's rules for a trial; `acted` counts the connections each rule acted on. */
export class FirewallRules extends FaultPolicy<FirewallFault> {
  /** The first active rule for this SNI, if any. */
  ruleFor(sni: string, elapsedMs: number): FirewallFault | undefined {
    const fault = this.faults.active(sni, elapsedMs)[0];
    if (fault) this.acted.add(fault);
    return fault;
  }
}
