import { z } from 'zod';
import type { ResolvOptions } from '../client/traps.ts';
import { CORPUS_MODULE_HOST } from '../corpus/generate.ts';
import { duration } from '../faults/schema.ts';

/**
 * Mitigations: changes a real user could make to their own client — its environment, its
 * resolv.conf, or a local service they could run (a caching resolver, an HTTP/1.1 gateway, a
 * caching module proxy, a retry wrapper). A parameterised mitigation expands into one cell per
 * value: `{ name: 'concurrency', gomaxprocs: [1, 4] }` is two cells.
 */
export interface Mitigation {
  /** The cell's label in records and reports, parameters included: "concurrency(GOMAXPROCS=1)". */
  name: string;
  kind: MitigationKind;
  description: string;
  /** Variables added to the client's environment. */
  env: Readonly<Record<string, string>>;
  /** Options merged into the client's resolv.conf. */
  resolvOptions?: ResolvOptions;
  /** The client trusts the corporate inspection CA too (SSL_CERT_FILE holds both CAs). */
  trustInspectionCa?: boolean;
  /** GOPROXY rewritten to try these mirrors (hosts of the scenario) before the default proxy. */
  mirrorList?: { mirrors: string[]; separator: ',' | '|'; keepDefault: boolean };
  /** GOPROXY starts with this mirror of the scenario, one that proxies the checksum database. */
  sumdbViaProxy?: { mirror: string };
  /** A caching resolver on the client host; the client's resolv.conf points at it. */
  localResolver?: { prewarm: boolean; filterAaaa: boolean };
  /** A local module proxy the client's GOPROXY points at. */
  localProxy?: 'http1-gateway' | 'warm-proxy';
  /** HTTPS_PROXY set to the scenario's corporate proxy (what a PAC file would have said). */
  useCorporateProxy?: boolean;
  /** Kill and retry go with an RTT-adaptive deadline. */
  retry?: { attempts: number; baseDeadlineMs: number; normalRttMs: number };
  /** A scenario component wired in this cell only; `warmUp`: its names resolved through it before go starts. */
  component?: { name: string; warmUp: boolean };
}

const many = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]);
/** Module path patterns, as GOPRIVATE/GONOSUMDB/GOINSECURE take them (comma-separated globs of path prefixes). */
const modulePatterns = z.array(z.string().regex(/^[A-Za-z0-9.*?\[\]_~\/-]+$/, 'a module path glob such as "corp.example" or "*.corp.example/team"')).min(1);
const withPatterns = <N extends string>(name: N) => z.strictObject({ name: z.literal(name), patterns: modulePatterns });
const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** Parameterised mitigations, written as objects in a scenario's `mitigations: [...]`. */
export const mitigationParamSchemas = [
  z.strictObject({
    name: z.literal('resolver-options'),
    timeoutSec: z.number().int().min(1).max(30).optional(),
    attempts: z.number().int().min(1).max(5).optional(),
    rotate: z.boolean().optional(),
    singleRequest: z.boolean().optional(),
    useVc: z.boolean().optional(),
  }),
  z.strictObject({
    name: z.literal('concurrency'),
    gomaxprocs: many(z.number().int().min(1).max(256)).optional(),
    netlimit: many(z.number().int().min(1).max(256)).optional(),
  }),
  z.strictObject({
    name: z.literal('mirror-list'),
    mirrors: z.array(z.string().regex(/^[a-z0-9.-]+$/)).min(1),
    separator: many(z.enum([',', '|'])).optional(),
    /** false: the mirrors replace the default proxy (GOPROXY=<mirrors>,direct), as corporate setups often do. */
    keepDefault: z.boolean().optional(),
  }),
  z.strictObject({
    name: z.literal('retry-wrapper'),
    attempts: z.number().int().min(2).max(10).optional(),
    baseDeadline: duration.optional(),
    normalRtt: duration.optional(),
  }),
  z.strictObject({
    name: z.literal('component'),
    /** The scenario component this cell uses (the others cells run without it). */
    component: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'the name of one of the scenario\'s components'),
    /** Resolve the fake internet's hosts through it before go starts (a resolver's warm-up script). */
    warmUp: z.boolean().optional(),
  }),
  // the module path patterns of GONOSUMDB, GOPRIVATE, GOINSECURE (default: the corpus's module host)
  withPatterns('gonosumdb'),
  withPatterns('goprivate'),
  withPatterns('goinsecure'),
  withPatterns('goinsecure-git'),
] as const;

type MitigationParams = z.output<(typeof mitigationParamSchemas)[number]>;

const simple = (kind: MitigationKind, description: string, extra: Partial<Mitigation> = {}): Mitigation => ({ name: kind, kind, description, env: {}, ...extra });

/** Mitigations without parameters, and the defaults of the parameterised ones. */
export const MITIGATIONS = Object.freeze({
  baseline: simple('baseline', "the toolchain's defaults, nothing changed"),
  'http2-off': simple('http2-off', 'GODEBUG=http2client=0: cmd/go speaks HTTP/1.1 and opens parallel connections', { env: { GODEBUG: 'http2client=0' } }),
  'netdns-go': simple('netdns-go', 'GODEBUG=netdns=go: the pure-Go resolver (what a static go binary uses anyway)', { env: { GODEBUG: 'netdns=go' } }),
  'netdns-cgo': simple('netdns-cgo', 'GODEBUG=netdns=cgo(+1, so go says what it used): the libc resolver, only if the go binary was built with cgo (the official one is not)', { env: { GODEBUG: 'netdns=cgo+1' } }),
  'resolver-options': simple('resolver-options', 'resolv.conf options timeout:1 attempts:2 (parameters: timeoutSec, attempts, rotate, singleRequest, useVc)', { resolvOptions: { timeoutSec: 1, attempts: 2 } }),
  'dns-prewarm': simple('dns-prewarm', 'a caching resolver on the client host (dnsmasq-like), warmed with the module hosts before go starts', { localResolver: { prewarm: true, filterAaaa: false } }),
  'ipv4-only': simple('ipv4-only', 'a local resolver that drops AAAA answers (dnsmasq filter-AAAA): go dials IPv4 only', { localResolver: { prewarm: false, filterAaaa: true } }),
  'mirror-list': simple('mirror-list', 'GOPROXY lists mirrors before the default proxy (parameters: mirrors, separator "," or "|", keepDefault)', { mirrorList: { mirrors: [], separator: ',', keepDefault: true } }),
  'sumdb-off': simple('sumdb-off', 'GOSUMDB=off: no checksum database (loses integrity checks for new modules)', { env: { GOSUMDB: 'off' } }),
  'sumdb-via-proxy': simple(
    'sumdb-via-proxy',
    "GOPROXY starts with the scenario's first mirror that proxies the checksum database (`sumdbMirrors`): go reads the database through it (/sumdb/<name>/...)",
    { sumdbViaProxy: { mirror: '' } },
  ),
  gonosumdb: simple('gonosumdb', 'GONOSUMDB=<module hosts>: those modules skip the checksum database (parameter: patterns)', { env: { GONOSUMDB: CORPUS_MODULE_HOST } }),
  goprivate: simple('goprivate', 'GOPRIVATE=<module hosts>: no checksum database and no proxy for them: go finds their repositories (?go-get=1) and fetches them with git (parameter: patterns)', {
    env: { GOPRIVATE: CORPUS_MODULE_HOST },
  }),
  'goproxy-direct': simple('goproxy-direct', 'GOPROXY=direct: no module proxy at all; go finds each repository (?go-get=1) and fetches it with git over HTTPS', { env: { GOPROXY: 'direct' } }),
  'git-http1': simple('git-http1', 'GOPROXY=direct with git held to HTTP/1.1 (http.version=HTTP/1.1 through GIT_CONFIG_COUNT/KEY/VALUE, as people set it against h2-breaking middleboxes)', {
    env: { GOPROXY: 'direct', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.version', GIT_CONFIG_VALUE_0: 'HTTP/1.1' },
  }),
  goinsecure: simple('goinsecure', "GOPRIVATE and GOINSECURE=<module hosts>: go's own ?go-get=1 lookup skips certificate checks (and may fall back to http://); git's fetch still verifies (GOINSECURE sets no http.sslVerify) (parameter: patterns)", {
    env: { GOPRIVATE: CORPUS_MODULE_HOST, GOINSECURE: CORPUS_MODULE_HOST },
  }),
  'goinsecure-git': simple('goinsecure-git', 'goinsecure, and git told not to verify either (GIT_SSL_NO_VERIFY=1, what people add when git then fails) (parameter: patterns)', {
    env: { GOPRIVATE: CORPUS_MODULE_HOST, GOINSECURE: CORPUS_MODULE_HOST, GIT_SSL_NO_VERIFY: '1' },
  }),
  'govcs-public-off': simple('govcs-public-off', "GOVCS=public:off: public modules come from the proxy only; the ',direct' fallback is refused before git runs (vcs-disallowed)", { env: { GOVCS: 'public:off' } }),
  'govcs-git': simple('govcs-git', 'GOPROXY=direct with GOVCS=*:git: every module fetched with git, and git only (the explicit allow list of locked-down CI)', { env: { GOPROXY: 'direct', GOVCS: '*:git' } }),
  'goproxy-off': simple('goproxy-off', 'GOPROXY=off: no network for modules (works only when the module cache already holds them)', { env: { GOPROXY: 'off' } }),
  'corp-ca-trust': simple('corp-ca-trust', "trust the corporate inspection proxy's CA (SSL_CERT_FILE with both CAs)", { trustInspectionCa: true }),
  concurrency: simple('concurrency', 'GOMAXPROCS and/or GODEBUG=cmdgonetlimit (parameters: gomaxprocs, netlimit; default GOMAXPROCS=1)', { env: { GOMAXPROCS: '1' } }),
  'retry-wrapper': simple('retry-wrapper', 'kill and retry go with an RTT-adaptive deadline: base x (1 + 0.8 x RTT / normal RTT) (parameters: attempts, baseDeadline, normalRtt)', {
    retry: { attempts: 3, baseDeadlineMs: 30_000, normalRttMs: 20 },
  }),
  'http1-gateway': simple('http1-gateway', 'a local GOPROXY gateway (undici) that fetches upstream over HTTP/1.1 with a keep-alive pool', { localProxy: 'http1-gateway' }),
  'warm-proxy': simple('warm-proxy', 'a local caching module proxy, pre-filled with every module (the best case)', { localProxy: 'warm-proxy' }),
  component: simple('component', "one of the scenario's components (a real resolver, proxy or mirror) used in this cell only, optionally warmed up before go (parameters: component, warmUp)", { component: { name: '', warmUp: false } }),
  'proxy-env': simple('proxy-env', "HTTPS_PROXY set to the scenario's corporate proxy by hand (Go never reads a PAC file)", { useCorporateProxy: true }),
  // Field claims that are checked, not recommended: what the toolchain does with them.
  'goflags-insecure': simple('goflags-insecure', 'GOFLAGS=-insecure, advised in the field (the flag was removed in Go 1.17)', { env: { GOFLAGS: '-insecure' } }),
  'git-terminal-prompt-off': simple('git-terminal-prompt-off', 'GOPROXY=direct with GIT_TERMINAL_PROMPT=0, advised in the field (cmd/go already sets it for git when unset: modload.Init)', {
    env: { GOPROXY: 'direct', GIT_TERMINAL_PROMPT: '0' },
  }),
  'go-proxy-timeout': simple('go-proxy-timeout', 'GO_PROXY_TIMEOUT=10s, advised in the field (no such variable exists in cmd/go)', { env: { GO_PROXY_TIMEOUT: '10s' } }),
} satisfies Record<string, Mitigation>);

type MitigationKind =
  | 'baseline'
  | 'http2-off'
  | 'netdns-go'
  | 'netdns-cgo'
  | 'resolver-options'
  | 'dns-prewarm'
  | 'ipv4-only'
  | 'mirror-list'
  | 'sumdb-off'
  | 'sumdb-via-proxy'
  | 'gonosumdb'
  | 'goprivate'
  | 'goproxy-direct'
  | 'git-http1'
  | 'goinsecure'
  | 'goinsecure-git'
  | 'govcs-public-off'
  | 'govcs-git'
  | 'goproxy-off'
  | 'corp-ca-trust'
  | 'concurrency'
  | 'retry-wrapper'
  | 'http1-gateway'
  | 'warm-proxy'
  | 'proxy-env'
  | 'component'
  | 'goflags-insecure'
  | 'git-terminal-prompt-off'
  | 'go-proxy-timeout';

export type MitigationName = keyof typeof MITIGATIONS;
export const MITIGATION_NAMES = Object.keys(MITIGATIONS) as MitigationName[];

/** A scenario's mitigation entry as written: a name, or a parameterised object. */
export type MitigationInput = MitigationName | z.input<(typeof mitigationParamSchemas)[number]>;

/** A validated mitigation entry (durations in milliseconds). */
export type MitigationEntry = MitigationName | MitigationParams;

/** The cells a mitigation entry stands for (parameter lists expand into one cell per value). */
export function expandMitigation(input: MitigationEntry): Mitigation[] {
  if (typeof input === 'string') return [MITIGATIONS[input]];
  const base = MITIGATIONS[input.name];
  switch (input.name) {
    case 'resolver-options': {
      const { name: _name, ...options } = input;
      const resolvOptions = Object.keys(options).length ? options : base.resolvOptions;
      const label = Object.entries(resolvOptions ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(',');
      return [{ ...base, name: `resolver-options(${label})`, resolvOptions }];
    }
    case 'concurrency': {
      const cells: Mitigation[] = [];
      for (const n of list(input.gomaxprocs ?? [])) cells.push({ ...base, name: `concurrency(GOMAXPROCS=${n})`, env: { GOMAXPROCS: String(n) } });
      for (const n of list(input.netlimit ?? [])) cells.push({ ...base, name: `concurrency(cmdgonetlimit=${n})`, env: { GODEBUG: `cmdgonetlimit=${n}` } });
      return cells.length ? cells : [{ ...base, name: 'concurrency(GOMAXPROCS=1)' }];
    }
    case 'mirror-list':
      return list(input.separator ?? ',').map((separator) => ({
        ...base,
        name: `mirror-list(${input.mirrors.join(separator)}${separator}${input.keepDefault === false ? 'direct' : 'default'})`,
        mirrorList: { mirrors: input.mirrors, separator, keepDefault: input.keepDefault ?? true },
      }));
    case 'retry-wrapper': {
      const retry = {
        attempts: input.attempts ?? base.retry!.attempts,
        baseDeadlineMs: input.baseDeadline ?? base.retry!.baseDeadlineMs,
        normalRttMs: input.normalRtt ?? base.retry!.normalRttMs,
      };
      return [{ ...base, name: `retry-wrapper(${retry.attempts}x,base=${retry.baseDeadlineMs}ms)`, retry }];
    }
    case 'gonosumdb':
    case 'goprivate':
    case 'goinsecure':
    case 'goinsecure-git': {
      const patterns = input.patterns.join(',');
      const env = Object.fromEntries(Object.entries(base.env).map(([k, v]) => [k, v === CORPUS_MODULE_HOST ? patterns : v]));
      return [{ ...base, name: `${input.name}(${patterns})`, env }];
    }
    case 'component': {
      const warmUp = input.warmUp ?? false;
      return [{ ...base, name: `component(${input.component}${warmUp ? ',warm-up' : ''})`, component: { name: input.component, warmUp } }];
    }
  }
}
