import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { PlannedTrial } from '../runner/plan.ts';
import type { SandboxEvent } from './run-config.ts';

/**
 * The sandbox's side of the run's CPU admission (runner/admission.ts): before a trial it asks the
 * harness ("admit" event) and starts only when the harness answers `admit <trial>` on its stdin.
 * The wait is before the trial starts, so it is never part of the trial's measured times.
 */
export class AdmissionGate {
  private readonly waiting = new Map<number, () => void>();
  private readonly emit: (event: SandboxEvent) => void;

  constructor(emit: (event: SandboxEvent) => void) {
    this.emit = emit;
  }

  /** A line from the harness; false when it is not an admission. */
  onLine(line: string): boolean {
    const match = /^admit (\d+)$/.exec(line.trim());
    if (!match) return false;
    const trial = Number(match[1]);
    this.waiting.get(trial)?.();
    this.waiting.delete(trial);
    return true;
  }

  /** Resolves when the harness admits the trial, or at once when the run is stopped. */
  admit(planned: PlannedTrial, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.waiting.set(planned.trial, done);
      signal.addEventListener('abort', done, { once: true });
      this.emit({ type: 'admit', scenario: planned.scenario, trial: planned.trial, mitigation: planned.mitigation, goVersion: planned.goVersion, ...(planned.phase ? { phase: planned.phase } : {}) });
    });
  }
}

/** The harness's lines on the sandbox's stdin: "stop", or an admission; EOF means it died. */
export function readHarnessLines(input: NodeJS.ReadableStream, handlers: { stop: () => void; gate: AdmissionGate }): void {
  createInterface({ input }).on('line', (line) => {
    if (line.trim() === 'stop') handlers.stop();
    else handlers.gate.onLine(line);
  });
  input.on('end', handlers.stop);
}

/**
 * CPU time of this process (the sandbox's own components in JS) and of the children it has waited
 * for (go, and what go waited for), in ms. The children's part is /proc/self/stat's cutime and
 * cstime, in clock ticks of 1/100 s; long-lived children (Toxiproxy) are not in it until they end.
 */
export function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000 + childrenCpuTicks() * 10;
}

function childrenCpuTicks(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    // cutime and cstime are fields 16-17 of stat(5), 13-14 after the ") " split
    return Number(fields[13] ?? 0) + Number(fields[14] ?? 0);
  } catch {
    return 0;
  }
}
