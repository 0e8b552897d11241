import type { CellReport, Report } from '../report/model.ts';
import { ms, pct, ratioInterval } from '../report/format.ts';
import type { TrialRecord } from '../runner/record.ts';
import { quantile } from '../stats/tests.ts';

/**
 * The field's claims (../shared/SEED-CLAIMS.md), each judged from a run of the scenario library:
 * confirmed, refuted, or true only under a condition, with the numbers behind the verdict.
 */
export interface ClaimResult {
  id: string;
  claim: string;
  source: string;
  verdict: 'confirmed' | 'refuted' | `only ${string}` | 'not measured';
  evidence: string;
  scenarios: string[];
}

export interface EvidenceData {
  report: Report;
  records: readonly TrialRecord[];
}

/**
 * The cells a claim's rule reads. `cell` and `records` are what the verdict rests on: a rule that
 * read one the run never measured gets "not measured", whatever it computed. `context` and
 * `contextRecords` only add to the evidence text.
 */
class Lookup {
  private readonly data: EvidenceData;
  readonly missing: string[] = [];

  constructor(data: EvidenceData) {
    this.data = data;
  }

  cell(scenario: string, mitigation: string): CellReport | undefined {
    const found = this.context(scenario, mitigation);
    if (!found) this.missing.push(`${scenario}/${mitigation}`);
    return found;
  }

  records(scenario: string, mitigation: string): TrialRecord[] {
    const found = this.contextRecords(scenario, mitigation);
    if (found.length === 0) this.missing.push(`${scenario}/${mitigation}`);
    return found;
  }

  context(scenario: string, mitigation: string): CellReport | undefined {
    return this.data.report.scenarios.find((s) => s.name === scenario)?.cells.find((c) => c.mitigation === mitigation || c.mitigation.startsWith(`${mitigation}(`));
  }

  contextRecords(scenario: string, mitigation: string): TrialRecord[] {
    return this.data.records.filter((r) => r.scenario === scenario && (r.mitigation === mitigation || r.mitigation.startsWith(`${mitigation}(`)));
  }
}

const verdictOf = (c: CellReport | undefined) => c?.vsBaseline?.verdict ?? 'n/a';
const okOf = (c: CellReport | undefined) => (c ? `${c.ok}/${c.n} ok` : 'not run');
const medianOf = (c: CellReport | undefined) => (c ? ms(c.time.median.value) : '-');
const cellText = (name: string, c: CellReport | undefined) =>
  c ? `${name}: ${okOf(c)}, median ${medianOf(c)}${c.vsBaseline ? `, ratio ${ratioInterval(c.vsBaseline.ratio)}, ${c.vsBaseline.verdict}` : ''}` : `${name}: not run`;

type Rule = (l: Lookup) => Omit<ClaimResult, 'id' | 'claim' | 'source'>;

interface ClaimDefinition {
  id: string;
  claim: string;
  source: string;
  rule: Rule;
}

/** The scenario files `npm run evidence` runs: the library, and the real-software scenarios a claim reads. */
export const EVIDENCE_LIBRARY: readonly string[] = ['scenarios', 'scenarios/real/dns-cache-side-by-side.ts'];

const DNS_SIDE_BY_SIDE = 'real-dns-cache-side-by-side';
const DNSMASQ_COLD = 'component(dnsmasq)';
const DNSMASQ_WARM = 'component(dnsmasq,warm-up)';

/** Upstream DNS queries per trial (mean, warm-up included) as text. */
const queriesOf = (c: CellReport | undefined) => (c ? c.seen.dnsQueries.toFixed(1) : '-');

/** Article 2's prewarm and Article 1's custom DNS fix, with a real dnsmasq beside our own resolver (scenarios/real/dns-cache-side-by-side.ts). */
const DNSMASQ_CLAIMS: readonly ClaimDefinition[] = [
  {
    id: 'dnsmasq-prewarm',
    claim: 'DNS prewarm: dnsmasq as a local cache plus a warm-up script resolving the module hosts before the build (8.4 s → 5.1 s, DNS queries 127 → 19)',
    source: 'Article 2, claim 6 (real dnsmasq)',
    rule: (l) => {
      const warm = l.cell(DNS_SIDE_BY_SIDE, DNSMASQ_WARM);
      const ours = l.cell(DNS_SIDE_BY_SIDE, 'dns-prewarm');
      const base = l.context(DNS_SIDE_BY_SIDE, 'baseline');
      const v = verdictOf(warm);
      return {
        verdict: v === 'better' ? 'only when the upstream DNS is slow (measured: +400 ms per answer)' : v === 'inconclusive' || v === 'n/a' ? 'not measured' : 'refuted',
        evidence: `Every upstream answer 400 ms late, dnsmasq restarted empty before each trial: ${cellText('real dnsmasq + warm-up script', warm)}; ${cellText("our caching resolver, warmed (dns-prewarm)", ours)}; ${cellText('no cache', base)}. The warm-up took ${ms(warm?.seen.mitigationSetupMs)} (dnsmasq) and ${ms(ours?.seen.mitigationSetupMs)} (ours) before go started. Upstream queries per trial, warm-up included: ${queriesOf(base)} without a cache, ${queriesOf(warm)} through dnsmasq, ${queriesOf(ours)} through ours. Real dnsmasq and our resolver ${verdictOf(warm) === verdictOf(ours) ? 'agree' : 'disagree'} (${verdictOf(warm)} vs ${verdictOf(ours)}).`,
        scenarios: [DNS_SIDE_BY_SIDE],
      };
    },
  },
  {
    id: 'dnsmasq-custom-dns',
    claim: 'Custom DNS fix: a local dnsmasq (address=/<internal host>/…, server=<upstream>, a cache) fixes slow module downloads',
    source: 'Article 1, trap 6 (real dnsmasq)',
    rule: (l) => {
      const cold = l.cell(DNS_SIDE_BY_SIDE, DNSMASQ_COLD);
      const warm = l.context(DNS_SIDE_BY_SIDE, DNSMASQ_WARM);
      const v = verdictOf(cold);
      const verdict = v === 'better' ? 'only when the upstream DNS is slow (measured: +400 ms per answer)' : v === 'inconclusive' || v === 'n/a' ? 'not measured' : verdictOf(warm) === 'better' ? 'only when its cache is warmed before go' : 'refuted';
      return {
        verdict,
        evidence: `Every upstream answer 400 ms late: ${cellText('dnsmasq with an empty cache', cold)}; ${cellText('the same dnsmasq warmed first', warm)}. An empty cache still asks the upstream once per name (${queriesOf(cold)} upstream queries per trial); it saves only go's repeated lookups of a name within one build, and cmd/go reuses its connections.`,
        scenarios: [DNS_SIDE_BY_SIDE],
      };
    },
  },
];

export const CLAIMS: readonly ClaimDefinition[] = [
  {
    id: 'timeouts-stack',
    claim: 'GOPROXY and GOSUMDB requests are two parallel channels whose timeouts stack (9.8 s → 14.3 s)',
    source: 'Article 2, claim 3',
    rule: (l) => {
      const base = l.records('slow-checksum-db', 'baseline').filter((r) => r.outcome === 'ok');
      const off = l.records('slow-checksum-db', 'sumdb-off').filter((r) => r.outcome === 'ok');
      const baseMs = quantile(base.map((r) => r.durationMs), 0.5);
      const offMs = quantile(off.map((r) => r.durationMs), 0.5);
      const dbMs = quantile(base.map((r) => r.sumdb?.timeMs ?? 0), 0.5);
      const lookups = quantile(base.map((r) => r.sumdb?.lookups ?? 0), 0.5);
      if (baseMs === null || offMs === null || !dbMs) return { verdict: 'not measured', evidence: 'slow-checksum-db has no successful baseline and sumdb-off trials', scenarios: ['slow-checksum-db'] };
      const share = (baseMs - offMs) / dbMs;
      return {
        verdict: share > 0.8 ? 'confirmed' : share > 0.2 ? 'only per module: checks of different modules overlap' : 'refuted',
        evidence: `With every database response 300 ms late, go took ${ms(baseMs)} against ${ms(offMs)} without the database (GOSUMDB=off): ${ms(baseMs - offMs)} more, while the database's responses added up to ${ms(dbMs)} over ${lookups} lookups (median per trial), so ${pct(share)} of the database's time reached the total. ${cellText('slow database, baseline vs GOSUMDB=off', l.cell('slow-checksum-db', 'sumdb-off'))}. In cmd/go each module's check follows its own download; modules run in parallel (GOMAXPROCS).`,
        scenarios: ['slow-checksum-db'],
      };
    },
  },
  {
    id: 'sumdb-off-fixes',
    claim: 'GOSUMDB=off (or a domestic mirror) fixes a gateway that blocks the Go project\'s hosts',
    source: 'Article 2, claim 5',
    rule: (l) => {
      const off = l.cell('checksum-db-unreachable', 'sumdb-off');
      const mirror = l.cell('checksum-db-unreachable', 'mirror-list');
      const via = l.cell('checksum-db-unreachable', 'sumdb-via-proxy');
      return {
        verdict: verdictOf(via) === 'better' ? 'only when the mirror also serves the checksum database' : 'refuted',
        evidence: `Proxy and database blocked, empty go.sum: ${cellText('GOSUMDB=off alone', off)} (${JSON.stringify(off?.failureClasses ?? {})}); ${cellText('a mirror without the database', mirror)} (${JSON.stringify(mirror?.failureClasses ?? {})}); ${cellText('a mirror that proxies the database', via)}. GOSUMDB=off alone leaves the blocked proxy; a mirror alone leaves the blocked database; go reads the database through any GOPROXY entry that answers /sumdb/<name>/supported.`,
        scenarios: ['checksum-db-unreachable'],
      };
    },
  },
  {
    id: 'netdns-cgo',
    claim: 'GODEBUG=netdns=cgo makes the first fetch faster (libc 42 ms vs pure Go 186 ms)',
    source: 'Article 2, claims 1 and 7',
    rule: (l) => {
      const slow = l.cell('slow-dns', 'netdns-cgo');
      const dead = l.cell('dead-first-nameserver', 'netdns-cgo');
      const ignored = l.records('slow-dns', 'netdns-cgo').some((r) => r.stderrTail.includes('ignoring GODEBUG=netdns=cgo'));
      const anyBetter = verdictOf(slow) === 'better' || verdictOf(dead) === 'better';
      return {
        verdict: anyBetter ? 'only when the go binary is a cgo build' : 'refuted',
        evidence: `${ignored ? 'The official go binary is built with CGO_ENABLED=0 and prints "ignoring GODEBUG=netdns=cgo as the binary was compiled without support for the cgo resolver". ' : ''}${cellText('slow DNS', slow)}; ${cellText('dead first nameserver', dead)}.`,
        scenarios: ['slow-dns', 'dead-first-nameserver'],
      };
    },
  },
  {
    id: 'three-tries',
    claim: 'Go\'s pure DNS resolver "retries 3 times over UDP with a 1 s timeout each"',
    source: 'Article 2, claim 1 (Article 1: "5 s per try, up to 3 tries")',
    rule: (l) => {
      const failed = l.records('dns-timeouts', 'baseline').filter((r) => r.failureClass === 'dns-timeout');
      const perLookupMs = quantile(failed.map((r) => r.durationMs / Math.max(1, r.dns.queries / 4)), 0.5);
      const queries = quantile(failed.map((r) => r.dns.queries), 0.5);
      const tuned = l.contextRecords('dns-timeouts', 'resolver-options').filter((r) => r.failureClass === 'dns-timeout');
      const tunedMs = quantile(tuned.map((r) => r.durationMs / Math.max(1, r.dns.queries / 4)), 0.5);
      if (perLookupMs === null) return { verdict: 'not measured', evidence: 'no dns-timeout trial in dns-timeouts', scenarios: ['dns-timeouts'] };
      const matches = perLookupMs > 2_500 && perLookupMs < 4_000;
      return {
        verdict: matches ? 'confirmed' : 'refuted',
        evidence: `With resolv.conf's defaults a lookup that gets no answer fails after ${ms(perLookupMs)} (median of ${failed.length}), with ${queries} queries: A and AAAA in parallel, attempts (2) x timeout (5 s), as net/dnsconfig_unix.go says. With options timeout:1 attempts:2 it fails after ${ms(tunedMs)}.`,
        scenarios: ['dns-timeouts'],
      };
    },
  },
  {
    id: 'http2-off',
    claim: 'Disabling HTTP/2 (GODEBUG=http2client=0) fixes stuck downloads',
    source: 'Article 2, claims 2 and 9',
    rule: (l) => {
      const storm = l.cell('h2-error-storm', 'http2-off');
      const middlebox = l.cell('h2-breaking-middlebox', 'http2-off');
      const clean = l.cell('clean', 'http2-off');
      const wan = l.cell('high-latency-wan', 'http2-off');
      const helpsBroken = verdictOf(storm) === 'better' || verdictOf(middlebox) === 'better';
      const helpsClean = verdictOf(clean) === 'better' || verdictOf(wan) === 'better';
      return {
        verdict: helpsBroken && !helpsClean ? 'only when the network or server breaks HTTP/2' : helpsBroken ? 'confirmed' : 'refuted',
        evidence: `${cellText('h2 error storm', storm)}; ${cellText('h2-breaking middlebox', middlebox)}; ${cellText('clean network', clean)}; ${cellText('high-latency WAN', wan)}. No handshake-mutex stall was seen: with h2 all requests share one connection per host.`,
        scenarios: ['h2-error-storm', 'h2-breaking-middlebox', 'clean', 'high-latency-wan'],
      };
    },
  },
  {
    id: 'dns-prewarm',
    claim: 'DNS prewarm with a local cache speeds up downloads (8.4 s → 5.1 s, queries 127 → 19)',
    source: 'Article 2, claim 6',
    rule: (l) => {
      const slow = l.cell('slow-dns', 'dns-prewarm');
      const dead = l.cell('dead-first-nameserver', 'dns-prewarm');
      const helps = verdictOf(slow) === 'better' || verdictOf(dead) === 'better';
      return {
        verdict: helps ? 'only when DNS is slow or a nameserver is dead' : 'refuted',
        evidence: `go's own time: ${cellText('slow DNS', slow)}; ${cellText('dead first nameserver', dead)}. The warm-up itself took ${ms(slow?.seen.mitigationSetupMs)} and ${ms(dead?.seen.mitigationSetupMs)} before go started (paid once per cache lifetime). Go's resolver has no cache: every new connection asks again.`,
        scenarios: ['slow-dns', 'dead-first-nameserver'],
      };
    },
  },
  {
    id: 'resolver-options',
    claim: 'options timeout:1 attempts:2 in resolv.conf shortens DNS failures',
    source: 'Article 1, trap 2',
    rule: (l) => {
      const dead = l.cell('dead-first-nameserver', 'resolver-options');
      const baseFail = quantile(l.records('dns-timeouts', 'baseline').map((r) => r.durationMs), 0.5);
      const tunedFail = quantile(l.records('dns-timeouts', 'resolver-options').map((r) => r.durationMs), 0.5);
      const confirmed = verdictOf(dead) === 'better' && tunedFail !== null && baseFail !== null && tunedFail < baseFail / 2;
      return {
        verdict: confirmed ? 'confirmed' : 'refuted',
        evidence: `${cellText('dead first nameserver', dead)}; a name that never resolves fails after ${ms(tunedFail)} instead of ${ms(baseFail)} (median time to failure).`,
        scenarios: ['dead-first-nameserver', 'dns-timeouts'],
      };
    },
  },
  {
    id: 'pac',
    claim: 'A PAC script can send go to a (hijacking) proxy',
    source: 'Article 1, trap 4',
    rule: (l) => {
      const base = l.records('pac-only-proxy', 'baseline');
      const connects = base.reduce((s, r) => s + r.proxy.connects, 0);
      const direct = base.reduce((s, r) => s + (r.firewall['reset-direct-egress'] ?? 0), 0);
      return {
        verdict: base.length === 0 ? 'not measured' : connects === 0 ? 'refuted' : 'confirmed',
        evidence: `With the proxy announced only by PAC, go made ${connects} CONNECT requests and ${direct} direct connections (reset by the gateway) in ${base.length} trials: it reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY only (golang/go#21943). ${cellText('HTTPS_PROXY set by hand', l.context('pac-only-proxy', 'proxy-env'))}.`,
        scenarios: ['pac-only-proxy'],
      };
    },
  },
  {
    id: 'goflags-insecure',
    claim: 'GOFLAGS=-insecure gets go past certificate problems',
    source: 'field advice for TLS interception',
    rule: (l) => {
      const c = l.cell('corp-tls-inspection', 'goflags-insecure');
      const same = c && c.ok === 0;
      return {
        verdict: !c ? 'not measured' : same ? 'refuted' : 'confirmed',
        evidence: `${cellText('TLS inspection, GOFLAGS=-insecure', c)} (failure classes ${JSON.stringify(c?.failureClasses ?? {})}). The -insecure flag was removed in Go 1.17; GOFLAGS entries a command does not define are ignored. ${cellText('trusting the inspection CA', l.context('corp-tls-inspection', 'corp-ca-trust'))}.`,
        scenarios: ['corp-tls-inspection'],
      };
    },
  },
  {
    id: 'go-proxy-timeout',
    claim: 'GO_PROXY_TIMEOUT bounds how long go waits for the proxy',
    source: 'Article 2, claim 3',
    rule: (l) => {
      const c = l.cell('stalled-mirror', 'go-proxy-timeout');
      const hung = c ? c.timeout === c.n : false;
      return {
        verdict: !c ? 'not measured' : hung ? 'refuted' : 'confirmed',
        evidence: `${cellText('stalled mirror with GO_PROXY_TIMEOUT=10s', c)}: ${c?.timeout ?? 0} of ${c?.n ?? 0} trials hung until the harness deadline, like baseline (${okOf(l.context('stalled-mirror', 'baseline'))}). cmd/go has no HTTP timeout and reads no such variable. ${cellText('RTT-adaptive retry wrapper', l.context('stalled-mirror', 'retry-wrapper'))}.`,
        scenarios: ['stalled-mirror'],
      };
    },
  },
  {
    id: 'domestic-mirror',
    claim: 'A domestic mirror first in GOPROXY fixes it',
    source: 'Article 1 (diagnosis), Article 2, claim 5',
    rule: (l) => {
      const blocked = [l.cell('corp-sni-filter', 'mirror-list'), l.cell('filtering-resolver', 'mirror-list'), l.cell('dns-poisoned', 'mirror-list')];
      const slow = l.context('mirror-slow-404', 'mirror-list');
      const helps = blocked.filter((c) => verdictOf(c) === 'better').length;
      return {
        verdict: helps > 0 ? 'only when the default proxy is blocked and the mirror is not' : 'refuted',
        evidence: `mirror first: ${cellText('SNI filter', blocked[0])}; ${cellText('filtering resolver', blocked[1])}; ${cellText('poisoned DNS', blocked[2])}. A mirror that is slow to answer 404 makes it worse: ${cellText('slow 404', slow)}.`,
        scenarios: ['corp-sni-filter', 'filtering-resolver', 'dns-poisoned', 'mirror-slow-404'],
      };
    },
  },
  {
    id: 'http1-gateway',
    claim: 'A local gateway forcing HTTP/1.1 with a connection pool is faster (428 ms → 186 ms)',
    source: 'Article 2, claim 11',
    rule: (l) => {
      const wan = l.cell('high-latency-wan', 'http1-gateway');
      const storm = l.cell('h2-error-storm', 'http1-gateway');
      const middlebox = l.cell('h2-breaking-middlebox', 'http1-gateway');
      const faster = verdictOf(wan) === 'better';
      const fixes = verdictOf(storm) === 'better' || verdictOf(middlebox) === 'better';
      return {
        verdict: faster ? 'confirmed' : fixes ? 'only when the path breaks HTTP/2' : 'refuted',
        evidence: `${cellText('high-latency WAN', wan)}; ${cellText('h2 error storm', storm)}; ${cellText('h2-breaking middlebox', middlebox)}.`,
        scenarios: ['high-latency-wan', 'h2-error-storm', 'h2-breaking-middlebox'],
      };
    },
  },
  {
    id: 'retry-wrapper',
    claim: 'An RTT-adaptive retry wrapper cuts failures (63 % fewer on slow overseas mirrors)',
    source: 'Article 2, claims 8 and 12',
    rule: (l) => {
      const cells = [
        ['links cut mid-zip', l.cell('reset-mid-zip', 'retry-wrapper'), l.context('reset-mid-zip', 'baseline')],
        ['stalled mirror', l.cell('stalled-mirror', 'retry-wrapper'), l.context('stalled-mirror', 'baseline')],
        ['h2 error storm', l.cell('h2-error-storm', 'retry-wrapper'), l.context('h2-error-storm', 'baseline')],
      ] as const;
      const helps = cells.filter(([, c]) => c?.vsBaseline?.failureVerdict === 'better' || verdictOf(c) === 'better').length;
      return {
        verdict: helps > 0 ? 'only when failures are transient (cut links, stalls)' : 'refuted',
        evidence: cells.map(([name, c, b]) => `${name}: failure rate ${pct(b?.failureRate.value)} → ${pct(c?.failureRate.value)} (${verdictOf(c)})`).join('; ') + '. Retries keep the module cache, so each attempt gets further.',
        scenarios: ['reset-mid-zip', 'stalled-mirror', 'h2-error-storm'],
      };
    },
  },
  ...DNSMASQ_CLAIMS,
];

/** Each claim from the cells its rule needs; a claim missing any of them is "not measured". */
export function judgeClaims(data: EvidenceData): { results: ClaimResult[]; missing: string[] } {
  const missing = new Set<string>();
  const results = CLAIMS.map(({ id, claim, source, rule }): ClaimResult => {
    const lookup = new Lookup(data);
    const judged = rule(lookup);
    const absent = [...new Set(lookup.missing)];
    for (const m of absent) missing.add(m);
    if (absent.length === 0) return { id, claim, source, ...judged };
    return { id, claim, source, verdict: 'not measured', evidence: `Not measured: the run has no trials of ${absent.join(', ')}.`, scenarios: judged.scenarios };
  });
  return { results, missing: [...missing] };
}
