import { z } from 'zod';
import { FaultSet } from '../faults/fault-set.ts';
import { duration, ipAddress, pattern, probability, timed } from '../faults/schema.ts';
import type { Random } from '../random.ts';

const recordTypes = z.array(z.enum(['A', 'AAAA'])).min(1).optional();

/** DNS faults: decided by the fake resolver for the names that match. */
export const dnsFaultSchemas = [
  z.strictObject({ kind: z.literal('dns-nxdomain'), match: pattern, types: recordTypes, ...timed }),
  z.strictObject({ kind: z.literal('dns-servfail'), match: pattern, types: recordTypes, ...timed }),
  z.strictObject({ kind: z.literal('dns-refused'), match: pattern, types: recordTypes, ...timed }),
  /** Never answer (over UDP and TCP): the client waits out its resolv.conf timeout. */
  z.strictObject({ kind: z.literal('dns-drop'), match: pattern, types: recordTypes, ...timed }),
  z.strictObject({ kind: z.literal('dns-delay'), match: pattern, delay: duration, jitter: duration.optional(), types: recordTypes, ...timed }),
  /** Answer with another address (A for IPv4, AAAA for ::1); one where nothing listens is a dead host. */
  z.strictObject({ kind: z.literal('dns-poison'), match: pattern, address: ipAddress, ...timed }),
  /** UDP answers come back truncated (TC bit); the client must retry over TCP, which answers. */
  z.strictObject({ kind: z.literal('dns-truncate'), match: pattern, ...timed }),
  /** Each query fails with a seeded probability. */
  z.strictObject({ kind: z.literal('dns-flaky'), match: pattern, probability, failure: z.enum(['servfail', 'drop', 'nxdomain']), types: recordTypes, ...timed }),
  /** AAAA answers while IPv6 connections to them go nowhere (dropped): A still works. */
  z.strictObject({ kind: z.literal('dns-aaaa-nowhere'), match: pattern, ...timed }),
  z.strictObject({ kind: z.literal('dns-ttl'), match: pattern, ttlSec: z.number().int().min(0).max(604_800), ...timed }),
  /** A stale cache: keeps answering the old address, not authoritative, with a TTL that never counts down. */
  z.strictObject({ kind: z.literal('dns-stale'), match: pattern, address: ipAddress, ...timed }),
] as const;

export type DnsFault = z.infer<(typeof dnsFaultSchemas)[number]>;

export type DnsRcode = 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED' | 'FORMERR';

export interface DnsAnswerSet {
  a: string[];
  aaaa: string[];
}

export interface DnsDecision {
  /** 'drop' never answers; 'truncate' answers UDP with TC set and no records. */
  action: 'answer' | 'drop' | 'truncate';
  rcode: DnsRcode;
  answers: DnsAnswerSet;
  ttlSec: number;
  authoritative: boolean;
  delayMs: number;
}

/** Decides each answer: the zone's records, changed by whichever faults are active for the name. */
export class DnsPolicy {
  readonly faults = new FaultSet<DnsFault>();
  private random: Random | undefined;
  /** How many answers each fault changed this trial. */
  readonly acted = this.faults.acted;

  setFaults(faults: readonly DnsFault[], random: Random): void {
    this.faults.set(faults);
    this.random = random;
  }

  clear(): void {
    this.faults.clear();
  }

  get aaaaNowhere(): boolean {
    return this.faults.all().some((f) => f.kind === 'dns-aaaa-nowhere');
  }

  decide(name: string, type: string, transport: 'udp' | 'tcp', zone: DnsAnswerSet | undefined, baseTtlSec: number, elapsedMs: number): DnsDecision {
    const decision: DnsDecision = {
      action: 'answer',
      rcode: zone ? 'NOERROR' : 'NXDOMAIN',
      answers: zone ? { a: [...zone.a], aaaa: [...zone.aaaa] } : { a: [], aaaa: [] },
      ttlSec: baseTtlSec,
      authoritative: true,
      delayMs: 0,
    };
    for (const fault of this.faults.active(name, elapsedMs)) {
      if ('types' in fault && fault.types && !fault.types.includes(type as 'A' | 'AAAA')) continue;
      // dns-flaky acts only when its draw fails the query, dns-truncate only over UDP
      if (fault.kind !== 'dns-flaky' && !(fault.kind === 'dns-truncate' && transport !== 'udp')) this.acted.add(fault);
      switch (fault.kind) {
        case 'dns-nxdomain':
          return { ...decision, rcode: 'NXDOMAIN', answers: { a: [], aaaa: [] } };
        case 'dns-servfail':
          return { ...decision, rcode: 'SERVFAIL', answers: { a: [], aaaa: [] }, authoritative: false };
        case 'dns-refused':
          return { ...decision, rcode: 'REFUSED', answers: { a: [], aaaa: [] }, authoritative: false };
        case 'dns-drop':
          return { ...decision, action: 'drop' };
        case 'dns-flaky':
          if ((this.random?.float() ?? 1) < fault.probability) {
            this.acted.add(fault);
            if (fault.failure === 'drop') return { ...decision, action: 'drop' };
            return { ...decision, rcode: fault.failure === 'servfail' ? 'SERVFAIL' : 'NXDOMAIN', answers: { a: [], aaaa: [] } };
          }
          break;
        case 'dns-delay': {
          const jitterMs = fault.jitter ?? 0;
          const spread = jitterMs ? (this.random ? this.random.float() * 2 - 1 : 0) * jitterMs : 0;
          decision.delayMs += Math.max(0, fault.delay + spread);
          break;
        }
        case 'dns-poison':
        case 'dns-stale':
          decision.rcode = 'NOERROR';
          decision.answers = fault.address.includes(':') ? { a: [], aaaa: [fault.address] } : { a: [fault.address], aaaa: [] };
          if (fault.kind === 'dns-stale') {
            decision.authoritative = false;
            decision.ttlSec = 86_400;
          }
          break;
        case 'dns-truncate':
          if (transport === 'udp') decision.action = 'truncate';
          break;
        case 'dns-aaaa-nowhere':
          // the AAAA answer stays (::1); the sandbox drops IPv6 connections to it
          if (zone && decision.answers.aaaa.length === 0) decision.answers.aaaa = ['::1'];
          break;
        case 'dns-ttl':
          decision.ttlSec = fault.ttlSec;
          break;
      }
    }
    return decision;
  }
}
