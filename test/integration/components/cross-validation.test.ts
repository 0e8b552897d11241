import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScenarios } from '../../../src/commands/run.ts';
import { readResults } from '../../../src/report/results.ts';
import { loadScenario } from '../../../src/scenario/load.ts';
import { ROOT } from '../../helpers.ts';

const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-cross-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Each cell of a shipped scenario as "mitigation: outcome/class" (one trial per cell). */
async function cells(file: string): Promise<Record<string, string>> {
  const scenario = await loadScenario(join(ROOT, 'scenarios/real', file));
  const run = await runScenarios({ scenarios: [scenario], outDir: join(out, scenario.name), quiet: true, reps: 1 });
  const records = readResults(run.resultsFile).records;
  return Object.fromEntries(records.map((r) => [r.mitigation, `${r.outcome}/${r.failureClass ?? '-'}`]));
}

/** The same policy through the harness's own components and through real programs: the same symptom in every cell. */
describe('cross-validation: our firewall and proxy against squid and haproxy', () => {
  it('CONNECT deny of the Go hosts: our proxy and squid give the same outcome and failure class per cell', async () => {
    const ours = await cells('ours-connect-deny.ts');
    const squid = await cells('squid-connect-deny.ts');
    expect(ours['baseline']).toBe('fail/proxy-denied');
    expect(squid).toEqual(ours);
  });

  it('SNI filter of the Go hosts: our firewall (sni-close), haproxy (req.ssl_sni reject) and squid (ssl_bump peek/terminate) agree per cell', async () => {
    const ours = await cells('ours-sni-close.ts');
    const haproxy = await cells('haproxy-sni-gateway.ts');
    const squid = await cells('squid-sni-filter.ts');
    expect(ours['baseline']).toBe('fail/tcp-eof');
    expect(Object.values(ours).filter((c) => c === 'ok/-')).toHaveLength(1);
    expect(haproxy).toEqual(ours);
    expect(squid).toEqual(ours);
  });
});
