import { pathToFileURL } from 'node:url';
import type { ResolvedWorkload } from './execute.ts';
import type { WorkloadRef } from './schema.ts';

/** Inside the sandbox: a script workload is imported again from its scenario file (functions do not cross as data). */
export async function resolveWorkload(ref: WorkloadRef | undefined): Promise<ResolvedWorkload> {
  if (ref === undefined) return 'download';
  if (typeof ref === 'string' || 'install' in ref) return ref;
  const mod = (await import(pathToFileURL(ref.scriptFile).href)) as { default?: { workload?: unknown } };
  const script = mod.default?.workload;
  if (typeof script !== 'function') throw new Error(`${ref.scriptFile}: its workload is no longer a script`);
  return script as ResolvedWorkload;
}
