import dns2 from 'dns2';
import { debug } from '../log.ts';

const { Packet } = dns2;
const log = debug('dns');

export interface DnsAnswerSet {
  a: string[];
  aaaa: string[];
}

export interface DnsQueryLogEntry {
  /** ms since the resolver started. */
  atMs: number;
  name: string;
  type: string;
  rcode: 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED' | 'FORMERR';
  responseMs: number;
  transport: 'udp' | 'tcp';
}

export interface FakeResolverOptions {
  address: string;
  port: number;
  /** Lower-case names without the trailing dot. Other names answer NXDOMAIN. */
  zone: ReadonlyMap<string, DnsAnswerSet>;
  ttlSec: number;
}

const RCODE_VALUE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

/** The run's DNS: a dns2 server on UDP and TCP that answers for the fake internet's names. */
export class FakeResolver {
  readonly log: DnsQueryLogEntry[] = [];
  private readonly options: FakeResolverOptions;
  private readonly startedAt = performance.now();
  private udp: ReturnType<typeof dns2.createUDPServer> | undefined;
  private tcp: ReturnType<typeof dns2.createTCPServer> | undefined;

  constructor(options: FakeResolverOptions) {
    this.options = options;
  }

  async start(): Promise<void> {
    const { address, port } = this.options;
    this.udp = dns2.createUDPServer({ type: 'udp4' });
    this.tcp = dns2.createTCPServer();
    this.udp.on('request', (req, send) => this.answer(req, send, 'udp'));
    this.tcp.on('request', (req, send) => this.answer(req, send, 'tcp'));
    await Promise.all([
      new Promise<void>((resolve, reject) => {
        this.udp!.once('error', reject);
        this.udp!.once('listening', () => resolve());
        this.udp!.listen(port, address);
      }),
      new Promise<void>((resolve, reject) => {
        this.tcp!.once('error', reject);
        this.tcp!.once('listening', () => resolve());
        this.tcp!.listen(port, address);
      }),
    ]);
  }

  async stop(): Promise<void> {
    await Promise.all([
      new Promise<void>((resolve) => (this.udp ? this.udp.close(() => resolve()) : resolve())),
      new Promise<void>((resolve) => (this.tcp ? this.tcp.close(() => resolve()) : resolve())),
    ]);
  }

  private answer(request: InstanceType<typeof Packet>, send: (p: InstanceType<typeof Packet>) => void, transport: 'udp' | 'tcp'): void {
    const receivedAt = performance.now();
    const response = Packet.createResponseFromRequest(request);
    response.header.aa = 1;
    const question = request.questions[0];
    let rcode: DnsQueryLogEntry['rcode'] = 'NOERROR';
    const name = (question?.name ?? '').toLowerCase().replace(/\.$/, '');
    const type = question ? (Packet.TYPE_NAME[question.type] ?? String(question.type)) : 'NONE';
    if (!question) {
      rcode = 'FORMERR';
    } else {
      const entry = this.options.zone.get(name);
      if (!entry) {
        rcode = 'NXDOMAIN';
      } else if (question.type === Packet.TYPE.A) {
        for (const address of entry.a) response.answers.push(Packet.createResourceFromQuestion(question, { type: Packet.TYPE.A, class: Packet.CLASS.IN, ttl: this.options.ttlSec, address }));
      } else if (question.type === Packet.TYPE.AAAA) {
        for (const address of entry.aaaa) response.answers.push(Packet.createResourceFromQuestion(question, { type: Packet.TYPE.AAAA, class: Packet.CLASS.IN, ttl: this.options.ttlSec, address }));
      }
    }
    response.header.rcode = RCODE_VALUE[rcode];
    send(response);
    const responseMs = performance.now() - receivedAt;
    this.log.push({ atMs: receivedAt - this.startedAt, name, type, rcode, responseMs, transport });
    log(transport, name, type, rcode);
  }
}
