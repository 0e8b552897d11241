import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers.ts';

const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-acted-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('faults that prove they fired (real run)', () => {
  it('counts what each fault did per trial; a fault go never reaches is a warning in every report, and fails `everyFaultActs`', { timeout: 120_000 }, async () => {
    const result = await runCli(['run', 'test/fixtures/scenarios/unreached-fault.ts', '--out', out]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain('expectations: 1 of 2 FAILED:\n  unreached baseline: expected every fault acts, got never acted: dns-delay gomod.example');
    const records = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(records).toHaveLength(2);
    for (const r of records) {
      expect(r.outcome).toBe('ok');
      // go looks up the proxy (A and AAAA) and opens at least one connection through its WAN link
      expect(r.faultsActed['dns-delay proxy.golang.org']).toBeGreaterThanOrEqual(1);
      expect(r.faultsActed['dns-delay proxy.golang.org']).toBe(r.dns.byName['proxy.golang.org A'] + (r.dns.byName['proxy.golang.org AAAA'] ?? 0));
      expect(r.faultsActed['tcp-latency proxy.golang.org']).toBeGreaterThanOrEqual(1);
      expect(r.faultsActed['dns-delay gomod.example']).toBe(0);
    }
    const warning = 'fault "dns-delay gomod.example" acted 0 times in every trial of baseline';
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain(`> **warning**: ${warning}`);
    expect(md).toMatch(/Faults acted \(times, over the cell's trials\): baseline: dns-delay proxy\.golang\.org ×\d+, dns-delay gomod\.example ×0, tcp-latency proxy\.golang\.org ×\d+\./);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(new RegExp(`<div class="warning fault-never-acted" role="alert"><strong>Warning:</strong><ul><li>${warning.replace(/"/g, '&#34;').replace(/[.()]/g, '\\$&')}`));
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toContain(`<system-err>warning: ${warning.replace(/"/g, '&quot;')}`);
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).scenarios[0].cells[0].faultsActed['dns-delay gomod.example']).toEqual({ total: 0, trials: 2 });
  });
});
