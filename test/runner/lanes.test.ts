import { describe, expect, it } from 'vitest';
import { laneKind, laneUnits, runLanes, type LaneScenario, type LaneUnit } from '../../src/runner/lanes.ts';
import type { PlannedTrial } from '../../src/runner/plan.ts';

const scenario = (name: string, kinds: string[], extra: Partial<LaneScenario> = {}): LaneScenario => ({ name, faults: kinds.map((kind) => ({ kind })), phases: [], workload: 'download', ...extra });
const trials = (name: string, n: number): PlannedTrial[] => Array.from({ length: n }, (_, trial) => ({ scenario: name, trial, mitigation: trial % 2 ? 'a' : 'b', goVersion: 'go', rep: trial >> 1 }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('lanes', () => {
  const clean = scenario('clean', []);
  const slow = scenario('slow', ['tcp-latency']);
  const phased = scenario('phased', ['http-stall'], { phases: [{}] });
  const plan = [...trials('clean', 6), ...trials('slow', 16), ...trials('phased', 12)];

  it('classifies: no waiting fault, a large corpus or a compiling workload is CPU-bound', () => {
    expect(laneKind(clean)).toBe('cpu');
    expect(laneKind(slow)).toBe('waiting');
    expect(laneKind(scenario('big', ['tcp-latency'], { corpus: { modules: 80 } }))).toBe('cpu');
    expect(laneKind(scenario('build', ['tcp-latency'], { workload: 'build' }))).toBe('cpu');
    expect(laneKind(scenario('install', ['tcp-latency'], { workload: 'install' }))).toBe('cpu');
    expect(laneKind(scenario('reset', ['sni-reset']))).toBe('cpu');
    expect(laneKind({ ...scenario('slow-404', []), faults: [{ kind: 'http-status', delay: 5000 }] })).toBe('waiting');
    // a short wait leaves a sub-second, CPU-dominated trial
    expect(laneKind({ ...scenario('slow-dns', []), faults: [{ kind: 'dns-delay', delay: 300 }] })).toBe('cpu');
  });

  it('one lane: each scenario whole, in order (the serial run); more: waiting scenarios cut in stride slices', () => {
    expect(laneUnits([clean, slow, phased], plan, 1).map((u) => [u.scenario.name, u.trials.length])).toEqual([['clean', 6], ['slow', 16], ['phased', 12]]);
    const units = laneUnits([clean, slow, phased], plan, 3);
    expect(units.map((u) => [u.scenario.name, u.trials.length])).toEqual([['clean', 6], ['slow', 6], ['slow', 5], ['slow', 5], ['phased', 12]]);
    // every trial once, each slice in the plan's order
    expect(units.flatMap((u) => u.trials.map((t) => `${t.scenario}#${t.trial}`)).sort()).toEqual(plan.map((t) => `${t.scenario}#${t.trial}`).sort());
    for (const u of units) expect(u.trials.map((t) => t.trial)).toEqual([...u.trials.map((t) => t.trial)].sort((a, b) => a - b));
  });

  it('runs up to N units at once, never two CPU-bound ones together, and stops starting units after a failure', async () => {
    const cpu = (name: string): LaneUnit<LaneScenario> => ({ scenario: scenario(name, []), trials: [], kind: 'cpu' });
    const wait = (name: string): LaneUnit<LaneScenario> => ({ scenario: scenario(name, ['tcp-latency']), trials: [], kind: 'waiting' });
    let running: LaneUnit<LaneScenario>[] = [];
    let most = 0;
    const seen: string[] = [];
    await runLanes([cpu('c1'), cpu('c2'), wait('w1'), wait('w2'), cpu('c3'), wait('w3')], 3, async (unit, lane) => {
      running.push(unit);
      most = Math.max(most, running.length);
      expect(running.filter((u) => u.kind === 'cpu').length).toBeLessThanOrEqual(1);
      seen.push(`${unit.scenario.name}@${lane}`);
      await sleep(20);
      running = running.filter((u) => u !== unit);
    }, () => false);
    expect(seen).toHaveLength(6);
    expect(most).toBe(3);
    // with per-trial admission (runner/admission.ts) the trials take turns, so CPU-bound units may share the lanes
    let cpuAtOnce = 0;
    let cpuMost = 0;
    await runLanes([cpu('c1'), cpu('c2'), cpu('c3')], 3, async () => {
      cpuMost = Math.max(cpuMost, ++cpuAtOnce);
      await sleep(20);
      cpuAtOnce--;
    }, () => false, true);
    expect(cpuMost).toBe(3);
    const serial: string[] = [];
    await runLanes([wait('a'), cpu('b'), wait('c')], 1, async (unit, lane) => void serial.push(`${unit.scenario.name}@${lane}`), () => false);
    expect(serial).toEqual(['a@1', 'b@1', 'c@1']);
    const started: string[] = [];
    const failing = runLanes([wait('x'), wait('y'), wait('z')], 1, async (unit) => {
      started.push(unit.scenario.name);
      if (unit.scenario.name === 'y') throw new Error('sandbox died');
    }, () => false);
    await expect(failing).rejects.toThrow('sandbox died');
    expect(started).toEqual(['x', 'y']);
  });
});
