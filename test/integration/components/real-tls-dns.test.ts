import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScenarios } from '../../../src/commands/run.ts';
import { judgeClaims } from '../../../src/evidence/claims.ts';
import type { Report } from '../../../src/report/model.ts';
import { readResults } from '../../../src/report/results.ts';
import type { TrialRecord } from '../../../src/runner/record.ts';
import { loadScenario } from '../../../src/scenario/load.ts';
import { ROOT } from '../../helpers.ts';

const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-real-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
let runs = 0;

async function runShipped(file: string, reps: number): Promise<TrialRecord[]> {
  const scenario = await loadScenario(join(ROOT, 'scenarios/real', file));
  const run = await runScenarios({ scenarios: [scenario], outDir: join(out, `${scenario.name}-${++runs}`), quiet: true, reps });
  return readResults(run.resultsFile).records;
}

const logOf = (r: TrialRecord, name: string) => (r.components?.[name]?.log ?? []).join('\n');
const median = (rs: TrialRecord[]) => [...rs.map((r) => r.durationMs)].sort((a, b) => a - b)[Math.floor((rs.length - 1) / 2)]!;

describe('real squid TLS policies (netns)', () => {
  it('ssl_bump peek + ssl::server_name: Go hosts terminated in the handshake (tcp-eof), a mirror spliced', async () => {
    const records = await runShipped('squid-sni-filter.ts', 1);
    const base = records.find((r) => r.mitigation === 'baseline')!;
    const mirror = records.find((r) => r.mitigation !== 'baseline')!;
    expect(base).toMatchObject({ outcome: 'fail', failureClass: 'tcp-eof' });
    expect(logOf(base, 'squid')).toMatch(/CONNECT \S+:443 sni=\S+ bump=terminate/);
    expect(base.tls.handshakes).toBe(0);
    expect(mirror.outcome).toBe('ok');
    expect(logOf(mirror, 'squid')).toMatch(/CONNECT goproxy\.example:443 sni=goproxy\.example bump=splice/);
  });

  it('ssl_bump bump with the inspection CA: tls-untrusted; trusting that CA works, squid speaking HTTP/1.1 to the origin', async () => {
    const records = await runShipped('squid-tls-inspection.ts', 1);
    const base = records.find((r) => r.mitigation === 'baseline')!;
    const trusted = records.find((r) => r.mitigation === 'corp-ca-trust')!;
    expect(base).toMatchObject({ outcome: 'fail', failureClass: 'tls-untrusted' });
    expect(trusted.outcome).toBe('ok');
    // the client's requests reach the origin from squid, decrypted and re-encrypted: HTTP/1.1 only
    expect(trusted.http.requests).toBeGreaterThan(0);
    expect(trusted.http.h2).toBe(0);
    expect(logOf(trusted, 'squid')).toMatch(/TCP_MISS\/200 \d+ GET https:\/\/\S+\.zip/);
  });
});

describe('real caching resolvers in front of a slow upstream DNS (+400 ms)', () => {
  for (const [file, name] of [['unbound-office-resolver.ts', 'unbound'], ['dnsmasq-local-cache.ts', 'dnsmasq']] as const) {
    it(`${name}: cold trials wait for the upstream, warm trials are answered from its cache`, async () => {
      const records = await runShipped(file, 2);
      const cold = records.filter((r) => r.phase === 'cold');
      const warm = records.filter((r) => r.phase === 'warm');
      expect([...cold, ...warm].map((r) => r.outcome)).toEqual(['ok', 'ok', 'ok', 'ok']);
      // cold: the upstream (the run's fake DNS) was asked, and go waited at least one delay
      expect(cold.every((r) => r.dns.queries > 0)).toBe(true);
      expect(median(cold)).toBeGreaterThanOrEqual(400);
      // warm: no upstream query; far faster than one upstream delay
      expect(warm.every((r) => r.dns.queries === 0)).toBe(true);
      expect(median(warm)).toBeLessThan(median(cold) - 250);
      expect(warm.every((r) => logOf(r, name).length > 0)).toBe(true);
    });
  }
});

describe('real dnsmasq beside our own caching resolver (dns-prewarm), same slow upstream, one run', () => {
  it("go's own time: dnsmasq warmed by a script and our warmed resolver skip the upstream delay that dnsmasq cold and no cache pay; the claims read the cells", async () => {
    const run = await runScenarios({ scenarios: [await loadScenario(join(ROOT, 'scenarios/real/dns-cache-side-by-side.ts'))], outDir: join(out, 'side-by-side'), quiet: true, reps: 2 });
    const records = readResults(run.resultsFile).records;
    const cell = (m: string) => records.filter((r) => r.mitigation === m);
    expect(records.map((r) => r.outcome)).toEqual(Array(8).fill('ok'));
    const noCache = median(cell('baseline'));
    expect(noCache).toBeGreaterThanOrEqual(400);
    expect(median(cell('dns-prewarm'))).toBeLessThan(noCache - 200);
    expect(median(cell('component(dnsmasq,warm-up)'))).toBeLessThan(noCache - 200);
    // an empty dnsmasq waits for the upstream once per name
    expect(median(cell('component(dnsmasq)'))).toBeGreaterThanOrEqual(400);
    // the warm-up script paid the delay before go started, and go's lookups were dnsmasq cache hits
    expect(Math.min(...cell('component(dnsmasq,warm-up)').map((r) => r.mitigationSetupMs))).toBeGreaterThanOrEqual(350);
    expect(cell('component(dnsmasq,warm-up)').every((r) => /cached proxy\.golang\.org/.test(logOf(r, 'dnsmasq')))).toBe(true);
    // dnsmasq is wired in its own cells only
    expect([...cell('baseline'), ...cell('dns-prewarm')].every((r) => !logOf(r, 'dnsmasq').includes('query['))).toBe(true);
    const report = JSON.parse(readFileSync(join(run.outDir, 'report.json'), 'utf8')) as Report;
    const claims = judgeClaims({ report, records }).results.filter((c) => c.id.startsWith('dnsmasq-'));
    expect(claims.map((c) => c.id)).toEqual(['dnsmasq-prewarm', 'dnsmasq-custom-dns']);
    // two trials per cell cannot reach alpha: the verdict says so, the evidence still has the cells
    expect(claims[0]!.verdict).toBe('not measured');
    expect(claims[0]!.evidence).toMatch(/real dnsmasq \+ warm-up script: 2\/2 ok, median \d+ ms/);
  });
});
