/** Where the hosts of a run live: namespaces of this machine, or Docker containers. */
export const BACKENDS = ['netns', 'docker'] as const;
export type Backend = (typeof BACKENDS)[number];

/** How a sandbox ended. */
export interface SandboxExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderrTail: string;
}

/** A started sandbox, whichever the backend. */
export interface SandboxHandle {
  pid: number | undefined;
  /** Asks for a clean stop: the trial in flight is killed and not recorded. */
  requestStop(): void;
  /** Lets the trial the sandbox asked about (an "admit" event) start. */
  admit(trial: number): void;
  /** Kills the sandbox at once (and with it everything inside). */
  kill(): void;
  exited: Promise<SandboxExit>;
}
