import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareReports } from '../../../src/commands/compare.ts';
import { runScenarios } from '../../../src/commands/run.ts';
import { loadScenario, type Scenario } from '../../../src/scenario/load.ts';
import { ROOT } from '../../helpers.ts';

const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-gate-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** The same scenario with another version of the component's config file. */
function withConfig(scenario: Scenario, file: string): Scenario {
  const [nginx, ...rest] = scenario.components;
  return { ...scenario, components: [{ ...nginx!, config: { text: readFileSync(join(ROOT, 'scenarios/real', file), 'utf8'), fileName: file } }, ...rest] };
}

describe('a regression gate for a proxy config', () => {
  it('two versions of nginx.conf: compare flags the one without use_stale (upstream down fails, warm is slow) with regressions', async () => {
    const scenario = await loadScenario(join(ROOT, 'scenarios/real/nginx-mirror.ts'));
    // the two versions at once, each in its own sandbox: most of a trial is the WAN's latency, and
    // what one run's load does to the other's times it does to both
    const [good, bad] = await Promise.all([
      runScenarios({ scenarios: [scenario], outDir: join(out, 'v1'), quiet: true, reps: 5 }),
      runScenarios({ scenarios: [withConfig(scenario, 'nginx-mirror-simplified.conf')], outDir: join(out, 'v2'), quiet: true, reps: 5 }),
    ]);
    const result = compareReports([join(good.outDir, 'report.json'), join(bad.outDir, 'report.json')]);
    expect(result.text).toMatch(/\| real-nginx-mirror\/upstream-down \| baseline \S+ \|.*\| 0% \| 100% \| REGRESSION \|/);
    expect(result.regressions).toBeGreaterThanOrEqual(1);
    expect(result.exitCode).toBe(1);
    // the cold phase is the same config work either way: no regression claimed there
    expect(result.text).not.toMatch(/real-nginx-mirror\/cold \|.*REGRESSION/);
  });
});
