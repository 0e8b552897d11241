import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { HarnessError } from '../errors.ts';
import type { Mitigation } from '../mitigations/catalog.ts';
import { DEFAULT_PORTS, type ComponentSpec, type componentSchema, type PhaseSpec, type phaseSchema } from './schema.ts';

/** Components get their own loopback addresses in the sandbox: 127.0.10.1, .2 ... */
function componentAddress(index: number): string {
  return `127.0.10.${index + 1}`;
}

const DEFAULT_READY_TIMEOUT_MS = 20_000;

/** Validated components, their templates read (relative to the scenario file), addresses assigned. */
export function componentSpecs(defs: readonly z.output<typeof componentSchema>[], scenarioFile: string): ComponentSpec[] {
  const seen = new Set<string>();
  return defs.map((def, i) => {
    const field = `${scenarioFile}: components[${i}]`;
    if (seen.has(def.name)) throw new HarnessError('SCENARIO_INVALID', `${field}.name: got ${JSON.stringify(def.name)}; allowed: a name no other component has`);
    const sameRole = defs.findIndex((d) => d.role === def.role);
    if (sameRole !== i) throw new HarnessError('SCENARIO_INVALID', `${field}.role: got ${JSON.stringify(def.role)}; allowed: one component per role (components[${sameRole}] is already the ${def.role})`);
    seen.add(def.name);
    return {
      name: def.name,
      host: def.host,
      role: def.role,
      command: def.command,
      config: def.config === undefined ? undefined : readTemplate(def.config, scenarioFile, `${field}.config`),
      address: componentAddress(i),
      port: def.port ?? DEFAULT_PORTS[def.role],
      ready: def.ready,
      readyTimeoutMs: def.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
    };
  });
}

/** Components named by `{ name: 'component' }` mitigations are wired in those cells only: checked and marked. */
export function perCellComponents(specs: readonly ComponentSpec[], cells: readonly Mitigation[], scenarioFile: string): ComponentSpec[] {
  const named = new Set<string>();
  for (const cell of cells) {
    if (!cell.component) continue;
    const field = `${scenarioFile}: mitigations: ${cell.name === 'component' ? '"component"' : cell.name}`;
    const spec = specs.find((s) => s.name === cell.component!.name);
    if (!spec) throw new HarnessError('SCENARIO_INVALID', `${field}: got component ${JSON.stringify(cell.component.name)}; allowed: { name: 'component', component: <one of the scenario's components ${JSON.stringify(specs.map((s) => s.name))}> }`);
    if (spec.role === 'sni-gateway') throw new HarnessError('SCENARIO_INVALID', `${field}: got the sni-gateway ${spec.name}; allowed: a resolver, connect-proxy or mirror (a gateway is in front of the whole network, not of one cell)`);
    if (cell.component.warmUp && spec.role !== 'resolver') throw new HarnessError('SCENARIO_INVALID', `${field}: warmUp: true; allowed: only for a resolver (${spec.name} is the ${spec.role})`);
    named.add(spec.name);
  }
  return specs.map((s) => (named.has(s.name) ? { ...s, perCell: true } : s));
}

function readTemplate(path: string, scenarioFile: string, field: string): { text: string; fileName: string } {
  const file = resolve(dirname(resolve(scenarioFile)), path);
  if (!existsSync(file)) throw new HarnessError('SCENARIO_INVALID', `${field}: got ${JSON.stringify(path)}; allowed: a config file relative to the scenario file or absolute (${file} does not exist)`);
  return { text: readFileSync(file, 'utf8'), fileName: basename(file) };
}

/** Phases with their defaults: the first resets its components before each trial, later ones keep the state. */
export function phaseSpecs(defs: readonly z.output<typeof phaseSchema>[], scenarioFile: string): PhaseSpec[] {
  const names = defs.map((p) => p.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new HarnessError('SCENARIO_INVALID', `${scenarioFile}: phases: got two phases named ${JSON.stringify(twice)}; allowed: unique names`);
  return defs.map((p, i) => ({ name: p.name, reset: p.reset ?? (i === 0 ? 'each-trial' : 'none'), faults: p.faults ?? [], reps: p.reps }));
}
