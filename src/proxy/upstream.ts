import net from 'node:net';
import type { Resolver } from 'node:dns/promises';

/** A failure on the proxy's side of the tunnel: answered to the client with this status. */
export class UpstreamFailure extends Error {
  readonly status: 502 | 504;
  constructor(status: 502 | 504, reason: string) {
    super(reason);
    this.status = status;
  }
}

/** A records only: the first answer is the address the proxy connects to. */
export async function resolveA(resolver: Resolver | undefined, host: string): Promise<string> {
  if (!resolver) throw new UpstreamFailure(502, 'proxy stopped');
  try {
    const addresses = await resolver.resolve4(host);
    if (addresses[0] === undefined) throw Object.assign(new Error('no A record'), { code: 'ENODATA' });
    return addresses[0];
  } catch (err) {
    throw new UpstreamFailure(502, `DNS lookup of ${host} failed: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

export interface DialOptions {
  address: string;
  port: number;
  sourceAddress: string | undefined;
  timeoutMs: number;
  /** Aborting destroys the attempt and rejects with the signal's reason. */
  signal: AbortSignal;
}

/** Connects to address:port: 502 on a connect error, 504 when it takes longer than timeoutMs. */
export function dialUpstream({ address, port, sourceAddress, timeoutMs, signal }: DialOptions): Promise<net.Socket> {
  const destination = net.isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
  return new Promise<net.Socket>((resolve, reject) => {
    const upstream = net.connect({ host: address, port, localAddress: sourceAddress, noDelay: true, allowHalfOpen: true });
    const fail = (reason: unknown) => {
      settle();
      upstream.destroy();
      reject(reason);
    };
    const onConnect = () => {
      settle();
      resolve(upstream);
    };
    const onError = (err: NodeJS.ErrnoException) => fail(new UpstreamFailure(502, `connect to ${destination} failed: ${err.code ?? err.message}`));
    const onAbort = () => fail(signal.reason);
    const timer = setTimeout(() => fail(new UpstreamFailure(504, `connect to ${destination} timed out after ${timeoutMs} ms`)), timeoutMs);
    const settle = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      upstream.off('error', onError);
      upstream.off('connect', onConnect);
    };
    upstream.once('connect', onConnect);
    upstream.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
