import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { didYouMean } from '../did-you-mean.ts';
import { z } from 'zod';
import { DEFAULT_CORPUS, type CorpusOptions } from '../corpus/generate.ts';
import { parseDuration, type Duration } from '../duration.ts';
import { HarnessError } from '../errors.ts';
import { importFailure, importScenario } from './import.ts';
import { faultSchema } from '../faults/catalog.ts';
import { componentSpecs, perCellComponents, phaseSpecs } from '../components/load.ts';
import { componentSchema, phaseSchema, type ComponentSpec, type PhaseSpec } from '../components/schema.ts';
import { expectSchema, type Expectations } from './expect.ts';
import { MITIGATION_NAMES, expandMitigation, mitigationParamSchemas, type Mitigation, type MitigationEntry, type MitigationName } from '../mitigations/catalog.ts';
import { installTargetSchema, workloadSchema } from '../workload/schema.ts';

const SCENARIO_DEFAULTS = Object.freeze({
  reps: 3,
  timeoutMs: 120_000,
  seed: 1,
});

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const hostName = z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'a host name such as "goproxy.example"');

const corpusSchema = z.strictObject({
  seed: int(0, 2 ** 31 - 1).default(DEFAULT_CORPUS.seed),
  modules: int(1, 2_000).default(DEFAULT_CORPUS.modules),
  depth: int(1, 20).default(DEFAULT_CORPUS.depth),
  fanout: int(0, 50).default(DEFAULT_CORPUS.fanout),
  zipSizeKB: z
    .strictObject({ median: z.number().min(1).max(51_200).default(DEFAULT_CORPUS.zipSizeKB.median), sigma: z.number().min(0).max(4).default(DEFAULT_CORPUS.zipSizeKB.sigma) })
    .prefault({}),
  maxVersions: int(1, 20).default(DEFAULT_CORPUS.maxVersions),
  goSum: z.enum(['complete', 'none']).default(DEFAULT_CORPUS.goSum),
}) satisfies z.ZodType<CorpusOptions, unknown>;

/**
 * The one source of a scenario's shape: `ScenarioDefinition` (what a scenario file writes) is its
 * input type, `ScenarioFields` (validated, defaults filled in, durations in milliseconds) its output.
 */
const schema = z.strictObject({
  /** Short identifier used in reports (letters, digits, '-', '_'). */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, "-" and "_", at most 64'),
  /** The real-world situation, the symptom expected on baseline. */
  description: z.string().default(''),
  /** The synthetic module corpus the workload downloads. */
  corpus: corpusSchema.prefault({}),
  /** What goes wrong, each at its own layer (see the README's fault catalog). */
  faults: z.array(faultSchema).default([]),
  /**
   * A corporate explicit proxy (HTTP CONNECT) the client is configured to use through
   * HTTPS_PROXY; when mandatory (the default) direct connections to the internet are reset.
   * `clientUsesProxy: false` models a proxy announced only by a PAC file (Go never reads PAC).
   */
  corporateProxy: z.strictObject({ mandatory: z.boolean().default(true), clientUsesProxy: z.boolean().default(true) }).optional(),
  /** Extra module proxies of the fake internet serving the corpus (e.g. 'goproxy.example'), for mirror-list. */
  mirrors: z.array(hostName).max(8).default([]),
  /**
   * Those of `mirrors` that also proxy the checksum database (answer /sumdb/<name>/supported with
   * 200 and forward the rest to it), for sumdb-via-proxy. The toolchain's default proxy always
   * does, as the Go project's public mirror does; other mirrors do not unless listed here.
   */
  sumdbMirrors: z.array(hostName).max(8).default([]),
  /**
   * Mitigations compared in this scenario; `baseline` is always included. Names, or objects with
   * parameters; a list of values expands into one cell each: `{ name: 'concurrency', gomaxprocs: [1, 8] }`.
   */
  mitigations: z.array(z.union([z.enum(MITIGATION_NAMES as [MitigationName, ...MitigationName[]]), z.discriminatedUnion('name', [...mitigationParamSchemas])])).min(1).default([]),
  /**
   * Real programs of the fake internet, each from its own config template (see the README's
   * "Real network software"): a corporate proxy, a module mirror, a resolver or an SNI gateway.
   */
  components: z.array(componentSchema).max(4).default([]),
  /** Phases run in order with the components' state kept between them (cold, warm, upstream-down...). */
  phases: z.array(phaseSchema).min(1).max(10).optional(),
  /** Trials per mitigation. */
  reps: int(1, 10_000).default(SCENARIO_DEFAULTS.reps),
  /** Hard deadline per trial: `go` has no HTTP timeouts of its own. */
  timeout: z
    .custom<Duration>((v) => (parseDuration(v) ?? 0) > 0, 'a duration such as 90000, "250ms", "90s" or "2m"')
    .transform((v) => parseDuration(v) as number)
    .default(SCENARIO_DEFAULTS.timeoutMs),
  /** Seed of the trial order (and of any randomised fault). */
  seed: int(0, 2 ** 31 - 1).default(SCENARIO_DEFAULTS.seed),
  /**
   * A real Go project (its go.mod folder, relative to this file) instead of the synthetic corpus:
   * its module graph is snapshotted once through your GOPROXY and served by the fake internet.
   * Once loaded: the absolute path.
   */
  project: z.string().min(1).optional(),
  /**
   * What the client runs: 'download' (go mod download -json, the default), 'build' (go build ./...),
   * 'test' (compile every test, run none), 'get-u' (go get -u ./...), 'list-updates' (go list -m -u all),
   * 'install' (go install of `install`), 'toolchain' (a go.mod that forces a toolchain download), or a
   * script `async ({ $, project, env }) => { await $\`go vet ./...\` }` with zx's $ bound to the trial.
   */
  workload: workloadSchema.default('download'),
  /**
   * The install workload's target, `path@version` of a main package: 'golang.org/x/tools/cmd/stringer@v0.20.0'.
   * Optional on the synthetic corpus (its own tool); a project needs one (its snapshot fetches its graph).
   */
  install: installTargetSchema.optional(),
  /**
   * What the scenario shows, per cell, checked after the run (a failed one makes `run` exit 1):
   * `{ baseline: { outcome: 'fail', failureClass: 'tcp-reset' }, 'mirror-list': { successRate: '>=0.95', medianMs: '<2000' } }`.
   * A key is a cell's name, or a mitigation's name when it makes exactly one cell.
   */
  expect: expectSchema.default({}),
});

/** What a scenario file exports: `export default defineScenario({...})` (the schema's input). */
export type ScenarioDefinition = z.input<typeof schema>;

/** The scenario's fields once validated: defaults filled in, durations in milliseconds. */
type ScenarioFields = z.output<typeof schema>;

/** A validated scenario: its fields, where it came from, its mitigation cells, its deadline in ms. */
export type Scenario = Omit<ScenarioFields, 'mitigations' | 'timeout' | 'components' | 'phases'> & {
  file: string;
  mitigations: Mitigation[];
  timeoutMs: number;
  /** Components with their templates read and addresses assigned. */
  components: ComponentSpec[];
  /** Phases with their defaults; empty: one phase. */
  phases: PhaseSpec[];
};

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
      if (node instanceof z.ZodOptional || node instanceof z.ZodDefault || node instanceof z.ZodPrefault) node = node.unwrap();
      else if (node instanceof z.ZodDiscriminatedUnion) {
        const kind = (value as { kind?: unknown } | undefined)?.kind;
        node = (node.options as unknown[]).find((o) => o instanceof z.ZodObject && (o.shape as { kind?: { value?: unknown } }).kind?.value === kind);
      } else return;
    }
  };
  for (const key of path) {
    settle();
    if (node instanceof z.ZodArray) node = node.element;
    else if (node instanceof z.ZodRecord) node = node.valueType;
    else if (node instanceof z.ZodObject) node = (node.shape as Record<PropertyKey, unknown>)[key];
    else return [];
    value = (value as Record<PropertyKey, unknown> | undefined)?.[key];
  }
  settle();
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

/** One line per problem: which field, what was given, what is allowed. */
function formatIssues(source: string, input: unknown, issues: readonly z.core.$ZodIssue[]): string {
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
      const value = valueAt(input, issue.path);
      // names out of a fixed list (an enum, a mitigation, a fault kind) get a "did you mean"
      const hint = typeof value === 'string' && allowed.startsWith('one of ') ? didYouMean(value, [...allowed.matchAll(/"([^"]+)"/g)].map((m) => m[1]!)) : '';
      return `${source}: ${field}: got ${given}${hint}; allowed: ${allowed}`;
    })
    .join('\n');
}

/** Validates a scenario definition once, at the edge, and fills in the defaults. */
export function validateScenario(input: unknown, file: string): Scenario {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new HarnessError('SCENARIO_INVALID', formatIssues(file, input, parsed.error.issues));
  const { timeout, mitigations, components, phases, project, ...fields } = parsed.data;
  if (fields.install !== undefined && fields.workload !== 'install') {
    throw new HarnessError('SCENARIO_INVALID', `${file}: install: got ${JSON.stringify(fields.install)}; allowed: only with workload: 'install' (the target of its go install)`);
  }
  const cells = mitigationCells(parsed.data, file);
  return {
    ...fields,
    project: project === undefined ? undefined : resolve(dirname(resolve(file)), project),
    file,
    mitigations: cells,
    timeoutMs: timeout,
    expect: expectByCell(fields.expect, cells.map((c) => c.name), file),
    components: perCellComponents(componentSpecs(components, file), cells, file),
    phases: phaseSpecs(phases ?? [], file),
  };
}

/** Keys of `expect`: a cell's name, or a mitigation's name when it makes exactly one cell ('mirror-list'). */
function expectByCell(expect: Expectations, cellNames: readonly string[], file: string): Expectations {
  const out: Expectations = {};
  for (const [key, value] of Object.entries(expect)) {
    const matches = cellNames.includes(key) ? [key] : cellNames.filter((c) => c.startsWith(`${key}(`));
    if (matches.length !== 1) {
      const why = matches.length ? `names ${matches.length} cells; use one of their names` : "allowed: the scenario's cells";
      throw new HarnessError('SCENARIO_INVALID', `${file}: expect: got ${JSON.stringify(key)}; ${why} ${JSON.stringify(matches.length ? matches : cellNames)}`);
    }
    out[matches[0]!] = value;
  }
  return out;
}

/** The scenario's mitigation cells (baseline first), checked against its mirrors. */
function mitigationCells(def: ScenarioFields, file: string): Mitigation[] {
  const cells = new Map<string, Mitigation>();
  const entries = def.mitigations.map((entry, i): MitigationEntry => {
    if (entry !== 'mirror-list') return entry;
    // the plain name lists every mirror of the scenario
    if (!def.mirrors.length) throw new HarnessError('SCENARIO_INVALID', `${file}: mitigations[${i}]: got "mirror-list"; allowed: only with \`mirrors: ['goproxy.example', ...]\` in the scenario (the mirrors it lists)`);
    return { name: 'mirror-list', mirrors: def.mirrors };
  });
  const notMirrors = def.sumdbMirrors.filter((m) => !def.mirrors.includes(m));
  if (notMirrors.length) throw new HarnessError('SCENARIO_INVALID', `${file}: sumdbMirrors: got ${JSON.stringify(notMirrors)}; allowed: the scenario's mirrors ${JSON.stringify(def.mirrors)} (add them to \`mirrors\`)`);
  const sumdbMirror = def.sumdbMirrors[0];
  const sumdbViaProxy = def.mitigations.indexOf('sumdb-via-proxy');
  if (sumdbViaProxy >= 0 && !sumdbMirror) {
    throw new HarnessError('SCENARIO_INVALID', `${file}: mitigations[${sumdbViaProxy}]: got "sumdb-via-proxy"; allowed: only with \`mirrors: ['goproxy.example'], sumdbMirrors: ['goproxy.example']\` in the scenario (a mirror that proxies the checksum database)`);
  }
  for (const entry of ['baseline' as const, ...entries]) {
    for (const m of expandMitigation(entry)) cells.set(m.name, m.sumdbViaProxy && sumdbMirror ? { ...m, sumdbViaProxy: { mirror: sumdbMirror } } : m);
  }
  for (const [i, entry] of def.mitigations.entries()) {
    if (typeof entry === 'object' && entry.name === 'mirror-list') {
      const unknown = entry.mirrors.filter((m) => !def.mirrors.includes(m));
      if (unknown.length) throw new HarnessError('SCENARIO_INVALID', `${file}: mitigations[${i}].mirrors: got ${JSON.stringify(unknown)}; allowed: the scenario's mirrors ${JSON.stringify(def.mirrors)} (add them to \`mirrors\`)`);
    }
  }
  return [...cells.values()];
}

/** Imports a scenario file (TypeScript or JavaScript) and validates its default export. */
export async function loadScenario(path: string): Promise<Scenario> {
  const file = resolve(path);
  if (!existsSync(file)) {
    const hint = didYouMean(basename(path), siblingScenarios(dirname(file)));
    throw new HarnessError('SCENARIO_NOT_FOUND', `scenario file not found: ${path}${hint} (try one of scenarios/*.ts, e.g. npx gomod-chaos run scenarios/clean.ts)`);
  }
  let mod: { default?: unknown };
  try {
    mod = await importScenario(file);
  } catch (err) {
    throw new HarnessError('SCENARIO_LOAD', importFailure(path, file, err));
  }
  if (mod.default === undefined) {
    throw new HarnessError('SCENARIO_INVALID', `${path}: has no default export; write \`export default defineScenario({ name: '...' })\``);
  }
  return validateScenario(mod.default, path);
}

function siblingScenarios(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => /\.(ts|js|mjs)$/.test(f));
  } catch {
    return [];
  }
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
