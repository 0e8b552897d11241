import { describe, expect, it } from 'vitest';
import { CpuAdmission, type AdmissionRequest } from '../../src/runner/admission.ts';
import type { Admission } from '../../src/runner/record.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Ran {
  trial: number;
  start: number;
  end: number;
  admission: Admission | undefined;
}

/** One trial through the admission as a sandbox runs it: ask, wait for the grant, run (sleep), report. */
async function trial(admission: CpuAdmission, request: AdmissionRequest, runMs: number, cpuShare: number): Promise<Ran> {
  await new Promise<void>((grant) => admission.request(request, grant));
  const start = performance.now();
  await sleep(runMs);
  const end = performance.now();
  return { trial: request.trial, start, end, admission: admission.finished(request.owner, request.trial, request.cell, { wallMs: end - start, cpuMs: cpuShare * (end - start) }) };
}

const overlap = (a: Ran, b: Ran) => a.start < b.end && b.start < a.end;

describe('CPU admission across lanes', () => {
  it('two CPU-bound trials never overlap, whatever their lanes; waiting trials overlap each other and the CPU-bound ones', async () => {
    const admission = new CpuAdmission({ capMs: 10_000 });
    // the waiting cell's first trial is CPU-bound by default; once it is known to wait, its next trials start at once
    const first = await trial(admission, { owner: 9, trial: 0, cell: 'stall|baseline', kind: 'waiting' }, 20, 0.02);
    expect(first.admission).toMatchObject({ cpu: true, basis: 'first' });
    const ran = await Promise.all([
      trial(admission, { owner: 1, trial: 1, cell: 'clean|baseline', kind: 'cpu' }, 80, 0.9),
      trial(admission, { owner: 2, trial: 2, cell: 'big|baseline', kind: 'cpu' }, 80, 0.9),
      trial(admission, { owner: 3, trial: 3, cell: 'stall|baseline', kind: 'waiting' }, 200, 0.02),
      trial(admission, { owner: 4, trial: 4, cell: 'stall|baseline', kind: 'waiting' }, 200, 0.02),
      trial(admission, { owner: 5, trial: 5, cell: 'slow|mirror', kind: 'waiting' }, 80, 0.8),
    ]);
    const cpu = ran.filter((r) => r.admission?.cpu);
    expect(cpu.map((r) => r.trial)).toEqual([1, 2, 5]);
    for (const a of cpu) for (const b of cpu) if (a !== b) expect(overlap(a, b)).toBe(false);
    const [, , w3, w4] = ran;
    expect(w3!.admission).toMatchObject({ cpu: false, basis: 'history' });
    expect(overlap(w3!, w4!)).toBe(true);
    expect(cpu.some((c) => overlap(c, w3!))).toBe(true);
    // the CPU-bound trials queued behind each other: the later ones say how long they waited
    expect(Math.max(...cpu.map((r) => r.admission!.waitedMs))).toBeGreaterThanOrEqual(150);
    // the mirror cell, CPU-bound by its history now, is predicted so
    expect(admission.predict('slow|mirror', 'waiting')).toEqual({ cpu: true, basis: 'history' });
  });

  it("a waiting scenario's trial lets the token go at the cap; a sandbox that ends gives back what it held", async () => {
    const admission = new CpuAdmission({ capMs: 60 });
    const long = trial(admission, { owner: 1, trial: 0, cell: 'stall|baseline', kind: 'waiting' }, 300, 0.02);
    await sleep(5);
    const short = await trial(admission, { owner: 2, trial: 1, cell: 'clean|baseline', kind: 'cpu' }, 20, 0.9);
    const stalled = await long;
    expect(short.start).toBeLessThan(stalled.end);
    expect(short.admission!.waitedMs).toBeGreaterThanOrEqual(40);
    expect(stalled.admission).toMatchObject({ cpu: true, basis: 'first', capped: true });

    admission.request({ owner: 3, trial: 2, cell: 'clean|baseline', kind: 'cpu' }, () => {});
    let granted = false;
    admission.request({ owner: 4, trial: 3, cell: 'clean|baseline', kind: 'cpu' }, () => (granted = true));
    expect(granted).toBe(false);
    admission.ownerGone(3);
    expect(granted).toBe(true);
  });
});
