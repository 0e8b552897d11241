import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findGo } from '../../src/client/toolchain.ts';
import { ensureRelay, RELAY_ENV } from '../../src/firewall/relay.ts';
import { locateToxiproxy } from '../../src/wan/toxiproxy-binary.ts';
import { readRecords, runCli } from '../helpers.ts';

const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-run-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('gomod-chaos run scenarios/clean.ts (real go, Toxiproxy, sockets and TLS)', () => {
  it('every trial downloads every module; baseline speaks only h2, http2-off only h1', async () => {
    const result = await runCli(['run', 'scenarios/clean.ts', '--reps', '2', '--out', join(out, 'clean')]);
    expect(result.stderr).toContain('sandbox ready');
    expect(result.code).toBe(0);
    const records = readRecords(join(out, 'clean', 'results.jsonl'));
    expect(records).toHaveLength(4);
    const corpusModules = JSON.parse(readFileSync(join(out, 'clean', 'run.json'), 'utf8')).scenarios[0].corpus.modules as number;
    for (const r of records) {
      expect(r).toMatchObject({ schema: 1, scenario: 'clean', backend: 'netns', outcome: 'ok', failureClass: null, exitCode: 0, modules: corpusModules });
      expect(r.goVersion).toMatch(/^go1\.\d+/);
      for (const key of ['durationMs', 'bytes', 'startedAt', 'seed', 'stderrTail', 'rep']) expect(r).toHaveProperty(key);
      // the path really was crossed: names resolved by the fake DNS, TLS through the firewall
      expect(r.dns.queries).toBeGreaterThan(0);
      expect(r.tcp.connections).toBeGreaterThan(0);
      expect(r.tls.handshakes).toBe(r.tcp.connections);
      expect(r.http.byStatus['200']).toBe(r.http.requests);
      expect(r.bytes).toBeGreaterThan(0);
    }
    const baseline = records.filter((r) => r.mitigation === 'baseline');
    const h1 = records.filter((r) => r.mitigation === 'http2-off');
    expect(baseline).toHaveLength(2);
    expect(baseline.every((r) => r.http.h2 > 0 && r.http.h1 === 0)).toBe(true);
    expect(h1.every((r) => r.http.h1 > 0 && r.http.h2 === 0)).toBe(true);
    // summary on stdout, report files beside the results
    expect(result.stdout).toMatch(/\| baseline \| 100% \[[^\]]*\] \(2\/2\)/);
    expect(readFileSync(join(out, 'clean', 'report.md'), 'utf8')).toContain('http2-off');
  });

  it('the hard deadline kills go and records a timeout, not a failure', async () => {
    const result = await runCli(['run', 'scenarios/clean.ts', '--reps', '1', '--timeout', '40ms', '--out', join(out, 'deadline')]);
    // clean.ts expects every trial to succeed: the run says so and exits 1
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/expectations: \d+ of \d+ FAILED/);
    const records = readRecords(join(out, 'deadline', 'results.jsonl'));
    expect(records).toHaveLength(2);
    for (const r of records) {
      expect(r).toMatchObject({ outcome: 'timeout', failureClass: 'deadline' });
      // killed at the deadline: not before it, and not long after (seconds of slack for a busy machine)
      expect(r.durationMs).toBeGreaterThanOrEqual(40);
      expect(r.durationMs).toBeLessThan(5_000);
    }
  });

  it('runs rootless: an unprivileged user gets the same sandbox through a user namespace', async () => {
    const dir = join(out, 'rootless');
    // as root, drop to nobody for this run; everyone else already is unprivileged
    const asNobody = process.getuid?.() === 0;
    const toxiproxy = join(out, 'toxiproxy-server');
    copyFileSync(locateToxiproxy()!.path, toxiproxy);
    chmodSync(toxiproxy, 0o755);
    chmodSync(out, 0o777);
    // the firewall's Go relay too, as toxiproxy: a fresh HOME would build it with a cold go cache
    const relay = join(out, 'firewall-relay');
    copyFileSync(ensureRelay(findGo(), () => {})!, relay);
    chmodSync(relay, 0o755);
    const env = { HOME: dir, GOMOD_CHAOS_CACHE: join(dir, 'cache'), GOMOD_CHAOS_TOXIPROXY: toxiproxy, [RELAY_ENV]: relay };
    const args = ['run', 'scenarios/clean.ts', '--reps', '1', '--out', join(dir, 'out')];
    const result = await runCli(args, env, asNobody ? 65_534 : undefined);
    expect(result.code).toBe(0);
    const run = JSON.parse(readFileSync(join(dir, 'out', 'run.json'), 'utf8'));
    expect(run.sandbox).toBe('rootless');
    expect(readRecords(join(dir, 'out', 'results.jsonl')).map((r) => r.outcome)).toEqual(['ok', 'ok']);
  });
});
