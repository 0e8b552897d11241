/**
 * Where each host of the fake internet lives. The netns backend puts everything on loopback
 * (127.0.0.0/8 and ::1) of a namespace made for the run; the docker backend gives each host its
 * own container on an internal network in 198.18.0.0/15. Nothing can leave the machine either way.
 */
export interface TopologyAddresses {
  /** The client's nameserver (its resolv.conf points here). */
  resolver: string;
  /** A nameserver that never answers (resolv.conf trap). */
  deadResolver: string;
  /** An address where no nameserver listens: queries are refused at once. */
  refusingResolver: string;
  /** The network edge every public name resolves to: the SNI firewall. */
  firewall: string;
  /** The firewall's IPv6 address (AAAA answers), when the backend has IPv6. */
  firewallV6: string | undefined;
  /** Toxiproxy: API and one listener per public hostname. */
  wan: string;
  wanApiPort: number;
  wanFirstPort: number;
  /** The corporate explicit proxy (HTTP CONNECT), and the source address it connects from. */
  corporateProxy: string;
  corporateProxyPort: number;
  /** The origin of every public name (but the code hosts'). */
  origin: string;
  /** The code host (git smart HTTP) of the `vcs` names. */
  vcs: string;
  httpsPort: number;
  dnsPort: number;
}

/** The netns backend: every host on the sandbox's own loopback. */
export const ADDRESSES: Readonly<TopologyAddresses & { nowhere: string }> = Object.freeze({
  resolver: '127.0.0.53',
  deadResolver: '127.0.0.54',
  refusingResolver: '127.0.0.55',
  firewall: '127.0.1.1',
  firewallV6: '::1',
  wan: '127.0.2.1',
  wanApiPort: 8474,
  wanFirstPort: 20_001,
  corporateProxy: '127.0.4.1',
  corporateProxyPort: 3128,
  /** An address where nothing listens: poison DNS here for a dead host. */
  nowhere: '127.0.9.9',
  origin: '127.0.3.1',
  vcs: '127.0.6.1',
  httpsPort: 443,
  dnsPort: 53,
});

/** The docker backend: the same ports, each host at its container's address. */
export function containerAddresses(ip: { dns: string; dnsDead: string; firewall: string; wan: string; origin: string; proxy: string; vcs: string }): TopologyAddresses {
  return {
    ...ADDRESSES,
    resolver: ip.dns,
    deadResolver: ip.dnsDead,
    // the WAN container runs no nameserver: a query there is refused (ICMP port unreachable)
    refusingResolver: ip.wan,
    firewall: ip.firewall,
    firewallV6: undefined,
    wan: ip.wan,
    corporateProxy: ip.proxy,
    origin: ip.origin,
    vcs: ip.vcs,
  };
}
