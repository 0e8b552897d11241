import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Makes IPv6 connections to [::1]:<port> go nowhere (SYNs dropped, as on a network whose IPv6
 * path is broken), inside the sandbox's own network namespace. The kernels we run on lack tc's
 * drop action, so matching packets are classified into an HTB class of 8 bit/s whose one-packet
 * queue is kept full by a priming datagram: everything else that matches is dropped.
 */
export class Ipv6Blackhole {
  private readonly port: number;
  private enabled = false;
  private primeTimer: NodeJS.Timeout | undefined;

  constructor(port: number) {
    this.port = port;
  }

  async enable(): Promise<void> {
    if (this.enabled) return;
    const tc = (...args: string[]) => run('tc', args);
    await tc('qdisc', 'add', 'dev', 'lo', 'root', 'handle', '1:', 'htb', 'default', '0', 'r2q', '1');
    await tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:1', 'htb', 'rate', '8bit', 'ceil', '8bit', 'burst', '1b', 'cburst', '1b', 'quantum', '1000');
    await tc('qdisc', 'add', 'dev', 'lo', 'parent', '1:1', 'handle', '10:', 'pfifo', 'limit', '1');
    await tc('filter', 'add', 'dev', 'lo', 'parent', '1:', 'protocol', 'ipv6', 'prio', '1', 'u32', 'match', 'ip6', 'dst', '::1/128', 'match', 'ip6', 'dport', String(this.port), '0xffff', 'flowid', '1:1');
    this.enabled = true;
    await this.prime();
    // the queued datagram drains after about a minute at 8 bit/s: top it up
    this.primeTimer = setInterval(() => void this.prime(), 20_000);
    this.primeTimer.unref();
  }

  async disable(): Promise<void> {
    if (!this.enabled) return;
    clearInterval(this.primeTimer);
    this.enabled = false;
    await run('tc', ['qdisc', 'del', 'dev', 'lo', 'root']);
  }

  private async prime(): Promise<void> {
    const socket = dgram.createSocket('udp6');
    try {
      for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => socket.send('x', this.port, '::1', () => resolve()));
    } finally {
      socket.close();
    }
  }
}
