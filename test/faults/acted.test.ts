import { describe, expect, it } from 'vitest';
import { DnsPolicy } from '../../src/dns/faults.ts';
import { FirewallRules } from '../../src/firewall/rules.ts';
import { OriginFaultPolicy } from '../../src/origin/faults.ts';
import { ProxyPolicy } from '../../src/proxy/faults.ts';
import { createRandom } from '../../src/random.ts';

const zone = { a: ['127.0.1.1'], aaaa: [] };

describe('each component counts, per trial, how many times each fault acted', () => {
  it('DNS: every answer a fault changed; a flaky fault only when its draw fails the query; truncation only over UDP', () => {
    const dns = new DnsPolicy();
    dns.setFaults([
      { kind: 'dns-delay', match: 'proxy.golang.org', delay: 10 },
      { kind: 'dns-delay', match: 'gomod.example', delay: 10 },
      { kind: 'dns-truncate', match: 'sum.golang.org' },
      { kind: 'dns-flaky', match: 'flaky.example', probability: 0, failure: 'servfail' },
    ], createRandom(1));
    dns.decide('proxy.golang.org', 'A', 'udp', zone, 300, 0);
    dns.decide('proxy.golang.org', 'AAAA', 'udp', zone, 300, 0);
    dns.decide('sum.golang.org', 'A', 'udp', zone, 300, 0);
    dns.decide('sum.golang.org', 'A', 'tcp', zone, 300, 0);
    dns.decide('flaky.example', 'A', 'udp', zone, 300, 0);
    expect(dns.acted.snapshot()).toEqual({ 'dns-delay proxy.golang.org': 2, 'dns-delay gomod.example': 0, 'dns-truncate sum.golang.org': 1, 'dns-flaky flaky.example': 0 });
    dns.clear();
    expect(dns.acted.snapshot()).toEqual({});
  });

  it('firewall, proxy and origin: connections, CONNECTs and requests acted on', () => {
    const firewall = new FirewallRules();
    firewall.setFaults([{ kind: 'sni-reset', match: '*.golang.org' }]);
    firewall.ruleFor('proxy.golang.org', 0);
    firewall.ruleFor('goproxy.example', 0);
    expect(firewall.acted.snapshot()).toEqual({ 'sni-reset *.golang.org': 1 });

    const proxy = new ProxyPolicy();
    proxy.setFaults([{ kind: 'proxy-deny', match: 'sum.golang.org' }, { kind: 'proxy-latency', delay: 5 }]);
    proxy.latencyMs('proxy.golang.org', 0);
    proxy.refusal('sum.golang.org', undefined, 0);
    proxy.refusal('proxy.golang.org', undefined, 0);
    expect(proxy.acted.snapshot()).toEqual({ 'proxy-deny sum.golang.org': 1, 'proxy-latency': 1 });

    const origin = new OriginFaultPolicy();
    origin.setFaults([{ kind: 'http-status', match: 'goproxy.example', path: '*.mod', status: 500 }], createRandom(1));
    origin.decide({ host: 'goproxy.example', path: '/x/@v/v1.0.0.mod', protocol: 'h2', elapsedMs: 0 });
    origin.decide({ host: 'goproxy.example', path: '/x/@v/v1.0.0.zip', protocol: 'h2', elapsedMs: 0 });
    origin.decide({ host: 'goproxy.example', path: '/x/@v/v1.0.0.mod', protocol: 'h2', elapsedMs: -1 });
    expect(origin.acted.snapshot()).toEqual({ 'http-status goproxy.example': 1 });
  });
});
