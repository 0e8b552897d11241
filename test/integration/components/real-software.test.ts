import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScenarios } from '../../../src/commands/run.ts';
import { readResults } from '../../../src/report/results.ts';
import type { TrialRecord } from '../../../src/runner/record.ts';
import { loadScenario, validateScenario, type Scenario } from '../../../src/scenario/load.ts';
import { descendants, ROOT } from '../../helpers.ts';

const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-real-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

let lastOut = '';
async function run(scenario: Scenario, reps = 1): Promise<TrialRecord[]> {
  const result = await runScenarios({ scenarios: [scenario], outDir: join(out, `${scenario.name}-${Date.now()}`), quiet: true, reps });
  lastOut = result.outDir;
  return readResults(result.resultsFile).records;
}

const shipped = (file: string) => loadScenario(join(ROOT, 'scenarios/real', file));
const cellOf = (records: TrialRecord[], prefix: string) => records.filter((r) => r.mitigation.startsWith(prefix));
const logOf = (r: TrialRecord, name: string) => (r.components?.[name]?.log ?? []).join('\n');

/** No program of the run is left: the sandbox took its components down. */
function expectNothingLeft(): void {
  const left = descendants(process.pid).filter((pid) => {
    try {
      return /squid|nginx|haproxy|unbound|dnsmasq/.test(readFileSync(`/proc/${pid}/comm`, 'utf8'));
    } catch {
      return false;
    }
  });
  expect(left).toEqual([]);
}

describe('real network software in the fake internet (netns)', () => {
  it('squid denying CONNECT to the Go hosts: go says Forbidden (proxy-denied); a mirror squid lets through works', async () => {
    const records = await run(await shipped('squid-connect-deny.ts'));
    const [base] = cellOf(records, 'baseline');
    const [mirror] = cellOf(records, 'mirror-list');
    expect(base).toMatchObject({ outcome: 'fail', failureClass: 'proxy-denied' });
    expect(logOf(base!, 'squid')).toMatch(/TCP_DENIED\/403 \d+ CONNECT \S+:443/);
    expect(mirror).toMatchObject({ outcome: 'ok' });
    expect(logOf(mirror!, 'squid')).toMatch(/TCP_TUNNEL\/200 \d+ CONNECT goproxy\.example:443/);
    expectNothingLeft();
  });

  it('haproxy rejecting the Go hosts by SNI: the connection closes after the ClientHello (tcp-eof); a mirror passes', async () => {
    const records = await run(await shipped('haproxy-sni-gateway.ts'));
    const [base] = cellOf(records, 'baseline');
    const [mirror] = cellOf(records, 'mirror-list');
    expect(base).toMatchObject({ outcome: 'fail', failureClass: 'tcp-eof' });
    // haproxy's own log: no server chosen, closed by a tcp-request rule (PR)
    expect(logOf(base!, 'haproxy')).toMatch(/<NOSRV> .* PR /);
    // nothing reached the origin for the Go hosts
    expect(base!.tls.handshakes).toBe(0);
    expect(mirror).toMatchObject({ outcome: 'ok' });
    expect(mirror!.tls.sni['goproxy.example']).toBeGreaterThan(0);
  });

  it('nginx caching mirror across phases: cold slow, warm fast from cache, upstream down served from cache, empty cache + upstream down 502', async () => {
    const records = await run(await shipped('nginx-mirror.ts'), 2);
    const phase = (name: string) => records.filter((r) => r.phase === name);
    const median = (rs: TrialRecord[]) => [...rs.map((r) => r.durationMs)].sort((a, b) => a - b)[Math.floor((rs.length - 1) / 2)]!;
    for (const name of ['cold', 'warm', 'upstream-down']) expect(phase(name).map((r) => r.outcome)).toEqual(['ok', 'ok']);
    // cold: every module file crossed the WAN (150 ms each way per request) to the origin
    expect(phase('cold').every((r) => r.http.requests > 0 && /cache=MISS upstream=200/.test(logOf(r, 'nginx')))).toBe(true);
    expect(median(phase('cold'))).toBeGreaterThan(1_000);
    // warm: nothing reached the origin, every answer from nginx's cache
    expect(phase('warm').every((r) => r.http.requests === 0 && /cache=HIT/.test(logOf(r, 'nginx')))).toBe(true);
    expect(median(phase('warm'))).toBeLessThan(median(phase('cold')) / 3);
    expect(phase('upstream-down').every((r) => r.http.requests === 0)).toBe(true);
    expect(phase('cold-upstream-down').map((r) => r.failureClass)).toEqual(['http-5xx', 'http-5xx']);
    expect(phase('cold-upstream-down').every((r) => /502 Bad Gateway/.test(r.stderrTail))).toBe(true);
  });

  it("a user's own config outside the repo works; a config the program rejects is a harness error naming it with its last lines", async () => {
    const own = mkdtempSync(join(tmpdir(), 'gomod-chaos-user-config-'));
    try {
      copyFileSync(join(ROOT, 'scenarios/real/squid-connect-deny.conf'), join(own, 'my-squid.conf'));
      const squid = { name: 'squid', host: 'proxy.corp.example', role: 'connect-proxy', command: ['squid', '-N', '-f', '{{config}}'], ready: { tcp: 3128 } } as const;
      const good = validateScenario({ name: 'own-squid', corpus: { modules: 2 }, components: [{ ...squid, config: join(own, 'my-squid.conf') }], timeout: '30s' }, join(ROOT, 'scenarios/real/x.ts'));
      writeFileSync(join(own, 'broken.conf'), 'http_port {{listen.address}}:{{listen.port}}\nthis_is_not_a_directive on\nhttp_access allow all\n');
      const bad = validateScenario({ name: 'broken-squid', corpus: { modules: 2 }, components: [{ ...squid, config: join(own, 'broken.conf'), readyTimeoutMs: 10_000 }] }, 'test');
      // one run: the user's config works, then the broken one stops the run with one line naming squid
      const outDir = join(out, 'own-then-broken');
      const startFailure = /component squid \(squid\) (exited with \d+|was not ready).*this_is_not_a_directive/;
      await expect(runScenarios({ scenarios: [good, bad], outDir, quiet: true, reps: 1 })).rejects.toThrow(startFailure);
      const [r] = readResults(join(outDir, 'results.jsonl')).records;
      expect(r).toMatchObject({ scenario: 'own-squid', outcome: 'fail', failureClass: 'proxy-denied' });
      // the reports of what was measured say why the run stopped
      expect(readFileSync(join(outDir, 'report.md'), 'utf8')).toMatch(new RegExp(`Partial run: 1 of 2 .*Stopped by: broken-squid: the run failed inside the sandbox: ${startFailure.source}`));
      expectNothingLeft();
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('a component that dies during a trial makes it a harness-error record naming it with its last lines; nothing is left running', async () => {
    const dies = validateScenario(
      {
        name: 'dying-proxy',
        corpus: { modules: 2 },
        components: [
          {
            name: 'flaky',
            host: 'proxy.corp.example',
            role: 'connect-proxy',
            command: [process.execPath, '-e', 'require("net").createServer(() => {}).listen(3128, "{{listen.address}}"); console.log("listening"); setTimeout(() => { console.error("flaky: giving up"); process.exit(3); }, 1500)'],
            ready: { tcp: 3128 },
          },
        ],
        timeout: '5s',
      },
      'test',
    );
    // the trial it died in is the harness's failure, named, with its last lines
    const [r] = await run(dies);
    expect(r).toMatchObject({ outcome: 'harness-error', failureClass: 'harness' });
    expect(r!.stderrTail).toMatch(/component flaky exited with 3 during the trial: .*flaky: giving up/);
    // and both reports show it with the cell's logs
    expect(readFileSync(join(lastOut, 'report.md'), 'utf8')).toMatch(/\*\*trial 0, failing: harness-error \(harness\)\*\*\n\n {4}the harness failed during this trial: component flaky exited with 3 during the trial: [^\n]*\n(    .*\n)*    flaky: giving up/);
    expect(readFileSync(join(lastOut, 'report.html'), 'utf8')).toMatch(/<pre class="log harness-error">[^<]*component flaky exited with 3 during the trial[^<]*flaky: giving up<\/pre>/);
    expectNothingLeft();
  });
});
