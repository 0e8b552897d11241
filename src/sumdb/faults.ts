import { z } from 'zod';
import { globMatches } from '../faults/glob.ts';
import { timed } from '../faults/schema.ts';

/** A module path, or a pattern with "*" matching any run of characters ("/" included); case-sensitive. */
const modulePattern = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9.*_~/+-]+$/, 'a module path, or a pattern with "*" such as "gomod.example/lib/*" or "*"');

/**
 * Faults of the checksum database itself, whichever way the client reaches it (its own host or a
 * mirror's /sumdb/<name>/ path). Blocking, slowing or failing the host is done by the DNS, TLS,
 * TCP and HTTP faults on its name. `match` is a module path pattern.
 */
export const sumdbFaultSchemas = [
  /**
   * The log records a wrong h1: hash for the matching module versions (of the zip, or with
   * `file: 'go.mod'` of the go.mod): a properly signed and logged lie, so go's own hash of the
   * download disagrees with the database: "checksum mismatch ... SECURITY ERROR".
   */
  z.strictObject({ kind: z.literal('sumdb-wrong-hash'), match: modulePattern, file: z.enum(['zip', 'go.mod']).optional(), ...timed }),
  /**
   * A split view: the trial's first lookup is answered from the log, every later lookup of a
   * matching module with the signed head of a fork of it (the same records up to a point, then
   * others; same key). The client holds the first head it saw and proves the two inconsistent:
   * "SECURITY ERROR ... go.sum database server misbehavior detected!". Needs two lookups or more.
   */
  z.strictObject({ kind: z.literal('sumdb-inconsistent-tree'), match: modulePattern, ...timed }),
] as const;

export type SumdbFault = z.infer<(typeof sumdbFaultSchemas)[number]>;

/** Whether a module path matches a pattern: exact, or with '*' matching any run of characters. */
export function matchesModule(pattern: string, path: string): boolean {
  return globMatches(pattern, path);
}
