import type { SandboxHandle } from '../sandbox/backend.ts';

/**
 * Ctrl-C (or SIGTERM) for a whole run. The first asks every sandbox in flight (one per lane) to stop after killing
 * its trial in flight, or stops the run before its next sandbox starts; a second kills the sandbox
 * at once. It is installed for the run's whole life: no moment between two sandboxes falls back
 * to Node's default of dying on the spot, without the report and the resume command.
 */
export class RunInterrupt {
  interrupted = false;
  private signals = 0;
  /** The sandboxes that run now (one per lane). */
  private readonly current = new Set<SandboxHandle>();
  private readonly note: (line: string) => void;
  private readonly onSignal = () => {
    this.signals++;
    this.interrupted = true;
    if (this.signals === 1) {
      this.note('interrupt: stopping after killing the trial in flight (Ctrl-C again to kill at once)');
      for (const sandbox of this.current) sandbox.requestStop();
    } else for (const sandbox of this.current) sandbox.kill();
  };

  constructor(note: (line: string) => void) {
    this.note = note;
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  /** A sandbox that runs now: an interrupt that came while it started reaches it at once. */
  attach(sandbox: SandboxHandle): void {
    this.current.add(sandbox);
    if (this.interrupted) sandbox.requestStop();
  }

  detach(sandbox: SandboxHandle): void {
    this.current.delete(sandbox);
  }

  dispose(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}
