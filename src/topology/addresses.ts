/**
 * Where each host of the fake internet lives inside the run's network namespace. Everything is
 * loopback (127.0.0.0/8 and ::1) of a namespace made for the run: nothing can leave the machine.
 */
export const ADDRESSES = Object.freeze({
  /** The client's nameserver (its resolv.conf points here). */
  resolver: '127.0.0.53',
  /** A nameserver that never answers (resolv.conf trap). */
  deadResolver: '127.0.0.54',
  /** An address where no nameserver listens: queries are refused at once. */
  refusingResolver: '127.0.0.55',
  /** The network edge every public name resolves to: the SNI firewall. */
  firewall: '127.0.1.1',
  firewallV6: '::1',
  /** Toxiproxy: API and one listener per public hostname. */
  wan: '127.0.2.1',
  wanApiPort: 8474,
  wanFirstPort: 20_001,
  /** The corporate explicit proxy (HTTP CONNECT), and the source address it connects from. */
  corporateProxy: '127.0.4.1',
  corporateProxyPort: 3128,
  /** An address where nothing listens: poison DNS here for a dead host. */
  nowhere: '127.0.9.9',
  /** The origin of every public name. */
  origin: '127.0.3.1',
  httpsPort: 443,
  dnsPort: 53,
});
