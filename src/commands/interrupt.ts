import type { SandboxHandle } from '../sandbox/backend.ts';

/**
 * Ctrl-C (or SIGTERM) for a whole run. The first asks the sandbox in flight to stop after killing
 * its trial in flight, or stops the run before its next sandbox starts; a second kills the sandbox
 * at once. It is installed for the run's whole life: no moment between two sandboxes falls back
 * to Node's default of dying on the spot, without the report and the resume command.
 */
export class RunInterrupt {
  interrupted = false;
  private signals = 0;
  private current: SandboxHandle | undefined;
  private readonly note: (line: string) => void;
  private readonly onSignal = () => {
    this.signals++;
    this.interrupted = true;
    if (this.signals === 1) {
      this.note('interrupt: stopping after killing the trial in flight (Ctrl-C again to kill at once)');
      this.current?.requestStop();
    } else this.current?.kill();
  };

  constructor(note: (line: string) => void) {
    this.note = note;
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  /** The sandbox that runs now: an interrupt that came while it started reaches it at once. */
  attach(sandbox: SandboxHandle): void {
    this.current = sandbox;
    if (this.interrupted) sandbox.requestStop();
  }

  detach(): void {
    this.current = undefined;
  }

  dispose(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}
