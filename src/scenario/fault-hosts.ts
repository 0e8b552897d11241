import { closest, distance } from 'fastest-levenshtein';
import { HarnessError } from '../errors.ts';
import { matchesPattern } from '../faults/window.ts';
import { FAULT_KINDS, type Fault } from '../faults/catalog.ts';

/** Faults whose `match` is a module path, not a host (the checksum database's own log). */
const MODULE_PATH_MATCH = new Set<string>(FAULT_KINDS.sumdb);

/**
 * Every fault's `match` must name a host of the fake internet: a `$token`, an exact name or a
 * pattern with '*' that matches one. Otherwise the run would "measure" an unchanged network.
 * Checked when a run starts, against the hosts this toolchain and scenario make.
 */
export function checkFaultHosts(file: string, faults: readonly Fault[], hosts: readonly string[]): void {
  const problems: string[] = [];
  faults.forEach((fault, i) => {
    const match = (fault as { match?: unknown }).match;
    if (typeof match !== 'string' || MODULE_PATH_MATCH.has(fault.kind) || match.startsWith('$')) return;
    if (hosts.some((h) => matchesPattern(match, h))) return;
    const near = closest(match.toLowerCase(), hosts);
    const hint = near && distance(match.toLowerCase(), near) <= Math.max(2, Math.floor(near.length / 3)) ? `did you mean "${near}"? ` : '';
    problems.push(`${file}: faults[${i}].match: got ${JSON.stringify(match)}, which names no host of the fake internet; ${hint}allowed: one of ${hosts.map((h) => `"${h}"`).join(', ')}, a pattern with "*" that matches one, or $goproxy / $gosumdb / $module`);
  });
  if (problems.length) throw new HarnessError('SCENARIO_INVALID', problems.join('\n'));
}
