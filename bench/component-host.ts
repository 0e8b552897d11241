/**
 * Runs one network component in its own process for bench/network.ts (as in a real run, where
 * the components do not share the client's event loop). argv[2]: JSON {component, ...options}.
 * Prints "ready" when listening; stops on stdin EOF.
 */
import { FakeResolver } from '../src/dns/server.ts';
import { Firewall } from '../src/firewall/server.ts';
import { ConnectProxy } from '../src/proxy/connect-proxy.ts';

const spec = JSON.parse(process.argv[2] ?? '{}') as {
  component: 'firewall' | 'proxy';
  port: number;
  upstreamPort: number;
  dnsPort: number;
};

const dns = new FakeResolver({ address: '127.0.0.1', port: spec.dnsPort, ttlSec: 300, zone: new Map([['bench.example', { a: ['127.0.0.1'], aaaa: [] }]]) });
const component =
  spec.component === 'firewall'
    ? new Firewall({
        listen: [{ host: '127.0.0.1', port: spec.port }],
        routes: new Map([['bench.example', { host: '127.0.0.1', port: spec.upstreamPort }]]),
        harnessCaPem: '',
        inspectionCertificates: {},
      })
    : new ConnectProxy({ address: '127.0.0.1', port: spec.port, resolver: { address: '127.0.0.1', port: spec.dnsPort } });
await dns.start();
await component.start();
process.stdout.write('ready\n');
process.stdin.resume();
process.stdin.on('end', async () => {
  await component.stop();
  await dns.stop();
  process.exit(0);
});
