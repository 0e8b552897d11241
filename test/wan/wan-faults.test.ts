import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { WanFault } from '../../src/wan/faults.ts';
import { WanFaults, type ToxiproxyLinks } from '../../src/wan/wan-faults.ts';

/** Records what the WAN asks of Toxiproxy, in order. */
function recordingLinks(): ToxiproxyLinks & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    applyFault: async (fault, id) => {
      calls.push(`on ${id} ${fault.kind}`);
      return async () => void calls.push(`off ${id}`);
    },
    reset: async () => void calls.push('reset'),
  };
}

describe('the WAN on the component contract', () => {
  it('puts at-once faults on at setFaults, timed ones on their window from startClock, and resets on clearFaults', async () => {
    const links = recordingLinks();
    const wan = new WanFaults(links);
    const faults: WanFault[] = [
      { kind: 'tcp-latency', latency: 100, match: '*' },
      { kind: 'tcp-down', match: 'proxy.golang.org', from: 40, until: 120 },
    ];
    await wan.setFaults(faults);
    expect(links.calls).toEqual(['on f0 tcp-latency']);
    wan.startClock();
    await sleep(80);
    expect(links.calls).toEqual(['on f0 tcp-latency', 'on f1 tcp-down']);
    await sleep(150);
    expect(links.calls).toEqual(['on f0 tcp-latency', 'on f1 tcp-down', 'off f1']);
    await wan.clearFaults();
    expect(links.calls.at(-1)).toBe('reset');
  });

  it('clearFaults stops timers of faults not yet on, and counts nothing after', async () => {
    const links = recordingLinks();
    const wan = new WanFaults(links);
    await wan.setFaults([{ kind: 'tcp-reset', match: '*.golang.org', from: 30 }]);
    wan.startClock();
    await wan.clearFaults();
    await sleep(60);
    expect(links.calls).toEqual(['reset']);
    expect(wan.faultsActed(['proxy.golang.org'])).toEqual({});
  });

  it('counts the connections through a faulted link per fault, 0 for a fault no connection met', async () => {
    const wan = new WanFaults(recordingLinks());
    await wan.setFaults([
      { kind: 'tcp-reset', match: '*.golang.org' },
      { kind: 'tcp-latency', latency: 5, match: 'mirror.example' },
    ]);
    expect(wan.faultsActed(['proxy.golang.org', 'sum.golang.org', 'other.example'])).toEqual({ 'tcp-reset *.golang.org': 2, 'tcp-latency mirror.example': 0 });
  });
});
