import dns2 from 'dns2';

type Packet = InstanceType<typeof dns2.Packet>;
export type DnsHandler = (request: Packet, send: (response: Packet) => void, transport: 'udp' | 'tcp') => void;

export interface DnsListener {
  close(): Promise<void>;
}

/** A dns2 server on UDP and TCP at one address: the fake resolvers and the client's local cache. */
export async function listenDns(address: string, port: number, handler: DnsHandler): Promise<DnsListener> {
  const udp = dns2.createUDPServer({ type: 'udp4' });
  const tcp = dns2.createTCPServer();
  udp.on('request', (req, send) => handler(req, send, 'udp'));
  tcp.on('request', (req, send) => handler(req, send, 'tcp'));
  const servers = [udp, tcp];
  try {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve, reject) => {
            server.once('error', reject);
            server.once('listening', () => resolve());
            server.listen(port, address);
          }),
      ),
    );
  } catch (err) {
    for (const server of servers) server.close();
    throw err;
  }
  return {
    close: () => Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())))).then(() => undefined),
  };
}
