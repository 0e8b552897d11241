import { z } from 'zod';
import { FaultPolicy } from '../faults/fault-set.ts';
import { duration, pattern, timed } from '../faults/schema.ts';

/** Faults of the corporate explicit proxy (HTTP CONNECT), matched against the CONNECT target host. */
export const proxyFaultSchemas = [
  /** The deny-list of a corporate proxy: 403 Forbidden, then close. */
  z.strictObject({ kind: z.literal('proxy-deny'), match: pattern, ...timed }),
  /** 407 with `Proxy-Authenticate: Basic realm="corp"` unless the request carries these Basic credentials. */
  z.strictObject({ kind: z.literal('proxy-auth-required'), match: pattern.optional(), username: z.string(), password: z.string(), ...timed }),
  /** Added latency on every tunnel setup: the proxy waits this long before answering the CONNECT. */
  z.strictObject({ kind: z.literal('proxy-latency'), delay: duration, match: pattern.optional(), ...timed }),
] as const;

export type ProxyFault = z.infer<(typeof proxyFaultSchemas)[number]>;

export interface ProxyRefusal {
  status: 403 | 407;
  kind: ProxyFault['kind'];
  reason: string;
}

/**
 * Decides what the proxy does with a CONNECT: how long it waits first, and whether it refuses.
 * `acted` counts the CONNECTs each fault delayed or refused this trial.
 */
export class ProxyPolicy extends FaultPolicy<ProxyFault> {
  /** The total added latency for a CONNECT to host (0 when no latency fault is active). */
  latencyMs(host: string, elapsedMs: number): number {
    let totalMs = 0;
    for (const fault of this.active(host, elapsedMs)) {
      if (fault.kind !== 'proxy-latency') continue;
      totalMs += fault.delay;
      this.acted.add(fault);
    }
    return totalMs;
  }

  /**
   * Whether the CONNECT is refused: authentication is checked before the deny-list, as a
   * corporate proxy identifies the user before applying its policy.
   */
  refusal(host: string, proxyAuthorization: string | undefined, elapsedMs: number): ProxyRefusal | undefined {
    const active = this.active(host, elapsedMs);
    for (const fault of active) {
      if (fault.kind === 'proxy-auth-required' && !basicCredentialsMatch(proxyAuthorization, fault.username, fault.password)) {
        const reason = proxyAuthorization === undefined ? 'proxy authentication required' : 'proxy credentials rejected';
        this.acted.add(fault);
        return { status: 407, kind: fault.kind, reason };
      }
    }
    for (const fault of active) {
      if (fault.kind !== 'proxy-deny') continue;
      this.acted.add(fault);
      return { status: 403, kind: fault.kind, reason: `access to ${host} is denied by policy` };
    }
    return undefined;
  }

  private active(host: string, elapsedMs: number): ProxyFault[] {
    return this.faults.active(host, elapsedMs);
  }
}

function basicCredentialsMatch(header: string | undefined, username: string, password: string): boolean {
  if (header === undefined) return false;
  const match = /^\s*basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return false;
  return Buffer.from(match[1]!, 'base64').toString('utf8') === `${username}:${password}`;
}
