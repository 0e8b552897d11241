import { Agent, request } from 'undici';
import type { ClientFiles } from '../client/traps.ts';
import type { Site } from '../origin/goproxy-site.ts';
import type { Random } from '../random.ts';
import type { FakeInternet } from '../topology/fake-internet.ts';
import type { Mitigation } from './catalog.ts';
import { Http1Gateway, WarmProxy } from './local-proxy.ts';
import { LocalResolver } from './local-resolver.ts';
import { lookupVia } from './lookup.ts';
import { warmUp } from './warm-up.ts';

/** Where the client host's own services listen (a user would run them on their machine). */
const LOCAL_SERVICES = Object.freeze({
  resolver: '127.0.5.1',
  warmProxy: { address: '127.0.5.2', port: 8080 },
  gateway: { address: '127.0.5.3', port: 8080 },
});

export interface ClientSetupContext {
  internet: FakeInternet;
  /** The toolchain's default GOPROXY (read from `go env` in a clean environment). */
  defaultGoproxy: string;
  corpusSite: Site;
  random: Random;
}

/** A client as the mitigation leaves it, with the local services it runs for this trial. */
export interface PreparedClient {
  env: Record<string, string>;
  files: ClientFiles;
  /** Time the mitigation's own per-trial work took before go started (e.g. a DNS warm-up, an RTT probe). */
  setupMs: number;
  /** The retry wrapper's per-attempt deadline, when there is one. */
  retry?: { attempts: number; attemptDeadlineMs: number; rttMs: number };
  stop(): Promise<void>;
}

function nameserversOf(resolvConf: string): string[] {
  return [...resolvConf.matchAll(/^nameserver\s+(\S+)/gm)].map((m) => m[1]!);
}

function firstHttpsProxy(goproxy: string): string | undefined {
  return goproxy.split(/[,|]/).find((e) => e.startsWith('https://'));
}

/** Everything a mitigation changes on the client, set up fresh for one trial. */
export async function prepareClient(mitigation: Mitigation, ctx: ClientSetupContext): Promise<PreparedClient> {
  const started = performance.now();
  const stops: Array<() => Promise<void>> = [];
  const { internet } = ctx;
  const cellComponent = mitigation.component ? internet.componentWiring(mitigation.component.name) : undefined;
  const env = mitigationEnv(mitigation, ctx, cellComponent?.env);
  let files = internet.clientFiles(mitigation.resolvOptions, cellComponent?.nameserver);
  const clientNameservers = nameserversOf(files.resolvConf);
  let retry: PreparedClient['retry'];
  try {
    // the warm-up script of the field: every host of the fake internet resolved through the cell's resolver before go
    if (mitigation.component?.warmUp) await warmUp(clientNameservers, internet.hosts.map((h) => h.name));
    if (mitigation.localResolver) {
      const resolver = new LocalResolver({ address: LOCAL_SERVICES.resolver, port: 53, upstreams: clientNameservers, filterAaaa: mitigation.localResolver.filterAaaa });
      await resolver.start();
      stops.push(() => resolver.stop());
      if (mitigation.localResolver.prewarm) await resolver.prewarm(internet.hosts.map((h) => h.name));
      files = { ...files, resolvConf: `nameserver ${LOCAL_SERVICES.resolver}\n` };
    }
    const localProxy = mitigation.localProxy ? await startLocalProxy(mitigation.localProxy, ctx, env, clientNameservers) : undefined;
    if (localProxy) {
      stops.push(() => localProxy.stop());
      env['GOPROXY'] = `${localProxy.url},direct`;
    }
    if (mitigation.retry) retry = await retryDeadline(mitigation.retry, ctx, clientNameservers);
  } catch (err) {
    await Promise.allSettled(stops.map((s) => s()));
    throw err;
  }
  return {
    env,
    files,
    setupMs: performance.now() - started,
    ...(retry ? { retry } : {}),
    stop: async () => {
      await Promise.allSettled(stops.map((s) => s()));
    },
  };
}

/** The client's environment: the network's, the cell's component's, the mitigation's own variables, and what its settings imply. */
function mitigationEnv(mitigation: Mitigation, ctx: ClientSetupContext, componentEnv: Record<string, string> | undefined): Record<string, string> {
  const { internet } = ctx;
  const env: Record<string, string> = { ...internet.clientEnv(), ...componentEnv, ...mitigation.env };
  if (mitigation.trustInspectionCa) env['SSL_CERT_FILE'] = internet.inspectionCaFile;
  if (mitigation.useCorporateProxy) Object.assign(env, internet.corporateProxyEnv());
  if (mitigation.mirrorList) {
    const { mirrors, separator, keepDefault } = mitigation.mirrorList;
    const rest = keepDefault ? ctx.defaultGoproxy.split(/[,|]/) : ['direct'];
    env['GOPROXY'] = [...mirrors.map((m) => `https://${m}`), ...rest].join(separator);
  }
  if (mitigation.sumdbViaProxy) {
    // go asks each GOPROXY entry for /sumdb/<name>/supported in order: this mirror answers first
    env['GOPROXY'] = [`https://${mitigation.sumdbViaProxy.mirror}`, ctx.defaultGoproxy].join(',');
  }
  return env;
}

/** The module proxy the mitigation runs on the client host: a warm cache, or an HTTP/1 gateway to the default proxy. */
async function startLocalProxy(kind: NonNullable<Mitigation['localProxy']>, ctx: ClientSetupContext, env: Record<string, string>, nameservers: string[]): Promise<{ url: string; stop(): Promise<void> }> {
  if (kind === 'warm-proxy') {
    const proxy = new WarmProxy(LOCAL_SERVICES.warmProxy.address, LOCAL_SERVICES.warmProxy.port, ctx.corpusSite);
    await proxy.start();
    return proxy;
  }
  const upstream = firstHttpsProxy(ctx.defaultGoproxy);
  if (!upstream) throw new Error(`http1-gateway: the default GOPROXY ${ctx.defaultGoproxy} has no https proxy`);
  const gateway = new Http1Gateway({
    address: LOCAL_SERVICES.gateway.address,
    port: LOCAL_SERVICES.gateway.port,
    upstream,
    nameservers,
    caPem: ctx.internet.caPem,
    ...(env['HTTPS_PROXY'] ? { httpsProxy: env['HTTPS_PROXY'] } : {}),
  });
  await gateway.start();
  return gateway;
}

/** The retry wrapper's per-attempt deadline, from an RTT probe (the "dynamic timeout" of the field). */
async function retryDeadline(settings: NonNullable<Mitigation['retry']>, ctx: ClientSetupContext, nameservers: string[]): Promise<NonNullable<PreparedClient['retry']>> {
  const rttMs = await probeRtt(firstHttpsProxy(ctx.defaultGoproxy) ?? '', ctx.internet.caPem, nameservers);
  const { attempts, baseDeadlineMs, normalRttMs } = settings;
  // base x (1 + 0.8 x RTT / normal RTT), +-10 % jitter
  const jitter = 1 + (ctx.random.float() * 0.2 - 0.1);
  return { attempts, rttMs, attemptDeadlineMs: Math.round(baseDeadlineMs * (1 + (0.8 * rttMs) / normalRttMs) * jitter) };
}

/** One small HTTPS request to the mirror, as the wrapper measures RTT before it runs go. */
async function probeRtt(upstream: string, caPem: string, nameservers: readonly string[]): Promise<number> {
  const started = performance.now();
  const dispatcher = new Agent({ connect: { ca: caPem, lookup: lookupVia(nameservers) } });
  try {
    const res = await request(`${upstream}/`, { dispatcher, headersTimeout: 30_000, bodyTimeout: 30_000 });
    await res.body.dump();
  } catch {
    // an unreachable mirror: the probe took what it took
  } finally {
    await dispatcher.destroy();
  }
  return performance.now() - started;
}
