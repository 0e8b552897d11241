import dns2 from 'dns2';
import { setTimeout as sleep } from 'node:timers/promises';
import { TrialClock } from '../faults/window.ts';
import { debug } from '../log.ts';
import type { Random } from '../random.ts';
import { DnsPolicy, type DnsAnswerSet, type DnsFault, type DnsRcode } from './faults.ts';
import { listenDns, type DnsListener } from './listen.ts';

const { Packet } = dns2;
const log = debug('dns');

export interface DnsQueryLogEntry {
  /** ms since the resolver started. */
  atMs: number;
  name: string;
  type: string;
  rcode: DnsRcode | 'DROPPED' | 'TRUNCATED';
  responseMs: number;
  /** The faults that acted on this query (their labels, joined by ', '). */
  fault?: string;
  transport: 'udp' | 'tcp';
  /** The nameserver address the query reached. */
  server: string;
}

export interface FakeResolverOptions {
  address: string;
  port: number;
  /** Lower-case names without the trailing dot. Other names answer NXDOMAIN. */
  zone: ReadonlyMap<string, DnsAnswerSet>;
  ttlSec: number;
  /** A resolver that never answers anything (a dead nameserver). */
  silent?: boolean;
  clock?: TrialClock;
}

const RCODE_VALUE: Record<DnsRcode, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 };

/** A DNS server of the fake internet (dns2, UDP and TCP); DNS faults are decided by its policy. */
export class FakeResolver {
  readonly log: DnsQueryLogEntry[] = [];
  readonly policy = new DnsPolicy();
  private readonly options: FakeResolverOptions;
  private readonly clock: TrialClock;
  /** The zero of the log's atMs (performance.now() in this process). */
  readonly startedAt = performance.now();
  private listener: DnsListener | undefined;

  constructor(options: FakeResolverOptions) {
    this.options = options;
    this.clock = options.clock ?? new TrialClock();
  }

  async start(): Promise<void> {
    this.listener = await listenDns(this.options.address, this.options.port, (req, send, transport) => void this.answer(req, send, transport));
  }

  async stop(): Promise<void> {
    await this.listener?.close();
  }

  /** The trial's DNS faults (every component: setFaults / clearFaults / drainLog). */
  setFaults(faults: readonly DnsFault[], random: Random): void {
    this.policy.setFaults(faults, random);
  }

  clearFaults(): void {
    this.policy.clear();
  }

  /** The queries logged since the last drain; the log starts empty again. */
  drainLog(): DnsQueryLogEntry[] {
    return this.log.splice(0);
  }

  private async answer(request: InstanceType<typeof Packet>, send: (p: InstanceType<typeof Packet>) => void, transport: 'udp' | 'tcp'): Promise<void> {
    const receivedAt = performance.now();
    const question = request.questions[0];
    const name = (question?.name ?? '').toLowerCase().replace(/\.$/, '');
    const type = question ? (Packet.TYPE_NAME[question.type] ?? String(question.type)) : 'NONE';
    let fault: string | undefined;
    const record = (rcode: DnsQueryLogEntry['rcode']) => {
      this.log.push({ atMs: receivedAt - this.startedAt, name, type, rcode, responseMs: performance.now() - receivedAt, transport, server: this.options.address, ...(fault ? { fault } : {}) });
      log(this.options.address, transport, name, type, rcode);
    };
    if (this.options.silent) return record('DROPPED');

    const response = Packet.createResponseFromRequest(request);
    if (!question) {
      response.header.rcode = RCODE_VALUE.FORMERR;
      send(response);
      return record('FORMERR');
    }
    const before = this.policy.acted.snapshot();
    const decision = this.policy.decide(name, type, transport, this.options.zone.get(name), this.options.ttlSec, this.clock.elapsedMs(receivedAt));
    fault = this.policy.acted.since(before).join(', ') || undefined;
    if (decision.delayMs > 0) await sleep(decision.delayMs);
    if (decision.action === 'drop') return record('DROPPED');
    response.header.aa = decision.authoritative ? 1 : 0;
    response.header.rcode = RCODE_VALUE[decision.rcode];
    if (decision.action === 'truncate') {
      response.header.tc = 1;
      send(response);
      return record('TRUNCATED');
    }
    const ttl = decision.ttlSec;
    if (question.type === Packet.TYPE.A) {
      for (const address of decision.answers.a) response.answers.push(Packet.createResourceFromQuestion(question, { type: Packet.TYPE.A, class: Packet.CLASS.IN, ttl, address }));
    } else if (question.type === Packet.TYPE.AAAA) {
      for (const address of decision.answers.aaaa) response.answers.push(Packet.createResourceFromQuestion(question, { type: Packet.TYPE.AAAA, class: Packet.CLASS.IN, ttl, address }));
    }
    send(response);
    record(decision.rcode);
  }
}
