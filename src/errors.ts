/**
 * Harness faults (never trial outcomes). Each has a stable `code` and a message that says what
 * went wrong and how to fix it; the CLI prints the message on one line and exits 2.
 */
export type HarnessErrorCode =
  | 'BAD_INPUT'
  | 'SCENARIO_NOT_FOUND'
  | 'SCENARIO_LOAD'
  | 'SCENARIO_INVALID'
  | 'GO_MISSING'
  | 'TOXIPROXY_MISSING'
  | 'SANDBOX_UNAVAILABLE'
  | 'COMPONENT_START'
  | 'DOCKER'
  | 'INTERRUPTED';

export class HarnessError extends Error {
  readonly code: HarnessErrorCode;
  constructor(code: HarnessErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HarnessError';
    this.code = code;
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
