import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { DEFAULT_CORPUS, type CorpusOptions } from '../corpus/generate.ts';
import { parseDuration } from '../duration.ts';
import { HarnessError, errorMessage } from '../errors.ts';
import { MITIGATION_NAMES, expandMitigation, mitigationParamSchemas, type Mitigation, type MitigationInput } from '../mitigations/catalog.ts';
import type { ScenarioDefinition } from './define.ts';
import { faultSchema, type Fault } from '../faults/catalog.ts';
import type { CorporateProxyOptions } from '../topology/fake-internet.ts';
import { workloadSchema, type Workload } from '../workload/schema.ts';

/** A validated scenario with every default filled in. */
export interface Scenario {
  name: string;
  description: string;
  file: string;
  corpus: CorpusOptions;
  faults: Fault[];
  corporateProxy: CorporateProxyOptions | undefined;
  /** Extra module proxies of the fake internet, serving the corpus ("a domestic mirror"). */
  mirrors: string[];
  /** Those of `mirrors` that also proxy the checksum database. */
  sumdbMirrors: string[];
  mitigations: Mitigation[];
  reps: number;
  timeoutMs: number;
  seed: number;
  /** A real Go project (absolute) whose snapshot replaces the corpus; undefined: the synthetic corpus. */
  project: string | undefined;
  /** What the client runs in each trial. */
  workload: Workload;
}

export const SCENARIO_DEFAULTS = Object.freeze({
  reps: 3,
  timeoutMs: 120_000,
  seed: 1,
});

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const hostName = z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'a host name such as "goproxy.example"');

const schema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, "-" and "_", at most 64'),
  description: z.string().optional(),
  corpus: z
    .strictObject({
      seed: int(0, 2 ** 31 - 1).optional(),
      modules: int(1, 2_000).optional(),
      depth: int(1, 20).optional(),
      fanout: int(0, 50).optional(),
      maxVersions: int(1, 20).optional(),
      zipSizeKB: z.strictObject({ median: z.number().min(1).max(51_200).optional(), sigma: z.number().min(0).max(4).optional() }).optional(),
      goSum: z.enum(['complete', 'none']).optional(),
    })
    .optional(),
  faults: z.array(faultSchema).optional(),
  corporateProxy: z.strictObject({ mandatory: z.boolean().optional(), clientUsesProxy: z.boolean().optional() }).optional(),
  mirrors: z.array(hostName).max(8).optional(),
  sumdbMirrors: z.array(hostName).max(8).optional(),
  mitigations: z.array(z.union([z.enum(MITIGATION_NAMES as [string, ...string[]]), z.discriminatedUnion('name', [...mitigationParamSchemas])])).min(1).optional(),
  reps: int(1, 10_000).optional(),
  timeout: z
    .union([z.number(), z.string()])
    .refine((v) => (parseDuration(v) ?? 0) > 0, 'a duration such as 90000, "250ms", "90s" or "2m"')
    .optional(),
  seed: int(0, 2 ** 31 - 1).optional(),
  project: z.string().min(1).optional(),
  workload: workloadSchema.optional(),
});

function describeValue(input: unknown): string {
  if (input === undefined) return 'nothing';
  const text = JSON.stringify(input);
  return text === undefined ? String(input) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

/** Field names the schema accepts at a path (following arrays and the fault chosen by its kind). */
function allowedFields(path: readonly PropertyKey[], input: unknown): string[] {
  let node: unknown = schema;
  let value: unknown = input;
  const settle = () => {
    for (;;) {
      if (node instanceof z.ZodOptional) node = node.unwrap();
      else if (node instanceof z.ZodDiscriminatedUnion) {
        const kind = (value as { kind?: unknown } | undefined)?.kind;
        node = (node.options as unknown[]).find((o) => o instanceof z.ZodObject && (o.shape as { kind?: { value?: unknown } }).kind?.value === kind);
      } else return;
    }
  };
  for (const key of path) {
    settle();
    if (node instanceof z.ZodArray) node = node.element;
    else if (node instanceof z.ZodObject) node = (node.shape as Record<PropertyKey, unknown>)[key];
    else return [];
    value = (value as Record<PropertyKey, unknown> | undefined)?.[key];
  }
  settle();
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

/** One line per problem: which field, what was given, what is allowed. */
export function formatIssues(source: string, input: unknown, issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        const fields = issue.keys.map((k) => fieldPath([...issue.path, k])).join(', ');
        return `${source}: unknown field ${fields}; allowed: ${allowedFields(issue.path, input).join(', ')}`;
      }
      const field = fieldPath(issue.path) || '(scenario)';
      const given = describeValue(valueAt(input, issue.path));
      let allowed = issue.message;
      if (issue.code === 'invalid_value') allowed = `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
      else if (issue.code === 'invalid_type') allowed = `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
      else if (issue.code === 'invalid_union' && issue.path[0] === 'mitigations') {
        const params = mitigationParamSchemas.map((m) => `{ name: "${m.shape.name.value}", ... }`).join(', ');
        allowed = `one of ${MITIGATION_NAMES.map((n) => `"${n}"`).join(', ')}, or with parameters ${params}`;
      } else if (issue.message.startsWith('Invalid discriminator value. Expected ')) {
        allowed = `one of ${issue.message.slice('Invalid discriminator value. Expected '.length).split(' | ').map((k) => `"${k.replace(/^'|'$/g, '')}"`).join(', ')}`;
      }
      else if (issue.code === 'too_small') allowed = `at least ${String(issue.minimum)}`;
      else if (issue.code === 'too_big') allowed = `at most ${String(issue.maximum)}`;
      return `${source}: ${field}: got ${given}; allowed: ${allowed}`;
    })
    .join('\n');
}

/** Validates a scenario definition once, at the edge, and fills in the defaults. */
export function validateScenario(input: unknown, file: string): Scenario {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new HarnessError('SCENARIO_INVALID', formatIssues(file, input, parsed.error.issues));
  const def = parsed.data as ScenarioDefinition;
  const cells = new Map<string, Mitigation>();
  const entries = (def.mitigations ?? []).map((entry, i): MitigationInput => {
    if (entry !== 'mirror-list') return entry;
    // the plain name lists every mirror of the scenario
    if (!def.mirrors?.length) throw new HarnessError('SCENARIO_INVALID', `${file}: mitigations[${i}]: got "mirror-list"; allowed: only with \`mirrors: ['goproxy.example', ...]\` in the scenario (the mirrors it lists)`);
    return { name: 'mirror-list', mirrors: def.mirrors };
  });
  const notMirrors = (def.sumdbMirrors ?? []).filter((m) => !(def.mirrors ?? []).includes(m));
  if (notMirrors.length) throw new HarnessError('SCENARIO_INVALID', `${file}: sumdbMirrors: got ${JSON.stringify(notMirrors)}; allowed: the scenario's mirrors ${JSON.stringify(def.mirrors ?? [])} (add them to \`mirrors\`)`);
  const sumdbMirror = def.sumdbMirrors?.[0];
  const sumdbViaProxy = (def.mitigations ?? []).indexOf('sumdb-via-proxy');
  if (sumdbViaProxy >= 0 && !sumdbMirror) {
    throw new HarnessError('SCENARIO_INVALID', `${file}: mitigations[${sumdbViaProxy}]: got "sumdb-via-proxy"; allowed: only with \`mirrors: ['goproxy.example'], sumdbMirrors: ['goproxy.example']\` in the scenario (a mirror that proxies the checksum database)`);
  }
  for (const entry of ['baseline' as const, ...entries]) {
    for (const m of expandMitigation(entry)) cells.set(m.name, m.sumdbViaProxy && sumdbMirror ? { ...m, sumdbViaProxy: { mirror: sumdbMirror } } : m);
  }
  for (const [i, entry] of (def.mitigations ?? []).entries()) {
    if (typeof entry === 'object' && entry.name === 'mirror-list') {
      const unknown = entry.mirrors.filter((m) => !(def.mirrors ?? []).includes(m));
      if (unknown.length) throw new HarnessError('SCENARIO_INVALID', `${file}: mitigations[${i}].mirrors: got ${JSON.stringify(unknown)}; allowed: the scenario's mirrors ${JSON.stringify(def.mirrors ?? [])} (add them to \`mirrors\`)`);
    }
  }
  return {
    name: def.name,
    description: def.description ?? '',
    file,
    corpus: {
      ...DEFAULT_CORPUS,
      ...def.corpus,
      zipSizeKB: { ...DEFAULT_CORPUS.zipSizeKB, ...def.corpus?.zipSizeKB },
    },
    faults: def.faults ?? [],
    corporateProxy: def.corporateProxy ? { mandatory: def.corporateProxy.mandatory ?? true, clientUsesProxy: def.corporateProxy.clientUsesProxy ?? true } : undefined,
    mirrors: def.mirrors ?? [],
    sumdbMirrors: def.sumdbMirrors ?? [],
    mitigations: [...cells.values()],
    reps: def.reps ?? SCENARIO_DEFAULTS.reps,
    timeoutMs: parseDuration(def.timeout) ?? SCENARIO_DEFAULTS.timeoutMs,
    seed: def.seed ?? SCENARIO_DEFAULTS.seed,
    project: def.project === undefined ? undefined : resolve(dirname(resolve(file)), def.project),
    workload: def.workload ?? 'download',
  };
}

/** Imports a scenario file (TypeScript or JavaScript) and validates its default export. */
export async function loadScenario(path: string): Promise<Scenario> {
  const file = resolve(path);
  if (!existsSync(file)) {
    throw new HarnessError('SCENARIO_NOT_FOUND', `scenario file not found: ${path} (try one of scenarios/*.ts, e.g. npx gomod-chaos run scenarios/clean.ts)`);
  }
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (err) {
    const first = errorMessage(err).split('\n')[0];
    throw new HarnessError('SCENARIO_LOAD', `cannot load scenario ${path}: ${first} (fix the file; it must \`export default defineScenario({...})\`)`);
  }
  if (mod.default === undefined) {
    throw new HarnessError('SCENARIO_INVALID', `${path}: has no default export; write \`export default defineScenario({ name: '...' })\``);
  }
  return validateScenario(mod.default, path);
}

/** Scenario files named on the command line: files as given, folders as their *.ts / *.js files. */
export function scenarioFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const path of paths) {
    if (existsSync(path) && statSync(path).isDirectory()) {
      const files = readdirSync(path).filter((f) => /\.(ts|js|mjs)$/.test(f) && !f.endsWith('.d.ts')).sort();
      if (files.length === 0) throw new HarnessError('SCENARIO_NOT_FOUND', `no scenario files in ${path}: expected *.ts files that export default defineScenario({...})`);
      out.push(...files.map((f) => join(path, f)));
    } else out.push(path);
  }
  return out;
}
