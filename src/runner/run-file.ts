import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { HarnessError, errorMessage } from '../errors.ts';
import { BACKENDS } from '../sandbox/backend.ts';
import type { RunIdentity, Shard } from './plan.ts';

const shardSchema = z.object({ index: z.number().int(), count: z.number().int() }) satisfies z.ZodType<Shard>;

const identitySchema = z.object({
  scenarios: z.array(z.object({ name: z.string(), fingerprint: z.string(), reps: z.number(), seed: z.number(), timeoutMs: z.number() })),
  goVersions: z.array(z.string()),
}) satisfies z.ZodType<RunIdentity>;

/** A scenario as the run ran it (flags applied), for the report's reader. */
const runScenarioSchema = z.looseObject({
  name: z.string(),
  file: z.string().optional(),
  description: z.string().optional(),
  reps: z.number().optional(),
  timeoutMs: z.number().optional(),
  seed: z.number().optional(),
  mitigations: z.array(z.string()).optional(),
});

/**
 * run.json: what makes the run one experiment (identity, shard) and how it ran (command,
 * scenarios, toolchains, machine). Later fields are optional: older run.json files still read.
 */
const runFileSchema = z.looseObject({
  identity: identitySchema,
  shard: shardSchema.nullable(),
  command: z.string().optional(),
  scenarios: z.array(runScenarioSchema).optional(),
  backend: z.enum(BACKENDS).optional(),
  sandbox: z.string().optional(),
  go: z.array(z.looseObject({ version: z.string(), binary: z.string().optional(), cgoBuild: z.boolean().optional(), defaultGoproxy: z.string().optional(), defaultGosumdb: z.string().optional() })).optional(),
  /** The client's Go telemetry in every trial ('off': nothing of a trial outlives it). */
  client: z.object({ telemetry: z.string() }).optional(),
  toxiproxy: z.string().optional(),
  machine: z.record(z.string(), z.unknown()).optional(),
  startedAt: z.string().optional(),
  /** Why the run stopped before its last trial (a sandbox or a component that failed); absent otherwise. */
  stoppedBy: z.string().optional(),
  /** How many sandboxes ran at once, and why that many (runner/lanes.ts). */
  lanes: z.object({ parallel: z.number().int(), chosen: z.enum(['flag', 'auto']), reason: z.string(), admission: z.string().optional() }).optional(),
  /** The machine's 1-minute load average during the run (its last segment, on --resume). */
  load: z.object({ cores: z.number(), everySec: z.number(), samples: z.number(), medianLoad1: z.number(), maxLoad1: z.number() }).optional(),
  /** Set by `merge`: the folders joined, with their shards. */
  mergedFrom: z.array(z.object({ dir: z.string(), shard: shardSchema.nullable() })).optional(),
});

export type RunFile = z.output<typeof runFileSchema>;

export const RUN_FILE = 'run.json';

/** The run.json of a run folder; undefined when there is none. A malformed one is a one-line error. */
export function readRunFile(dir: string): RunFile | undefined {
  const file = join(dir, RUN_FILE);
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new HarnessError('BAD_INPUT', `${file}: not JSON (${errorMessage(err)}); was it written by gomod-chaos run?`);
  }
  const parsed = runFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new HarnessError('BAD_INPUT', `${file}: ${issue.path.join('.') || '(file)'}: ${issue.message}; was it written by gomod-chaos run?`);
  }
  return parsed.data;
}

export function writeRunFile(dir: string, run: RunFile): void {
  writeFileSync(join(dir, RUN_FILE), JSON.stringify(run, null, 2));
}

/**
 * The end of a run (segment) in run.json, one write: why it stopped early (or that it did not,
 * for the reports' partial-run notice), its lanes and the machine's load.
 */
export function recordRunEnd(dir: string, end: { stoppedBy: string | undefined; lanes: RunFile['lanes']; load: RunFile['load'] }): void {
  const run = readRunFile(dir);
  if (!run) return;
  const { stoppedBy: _old, ...rest } = run;
  writeRunFile(dir, { ...rest, lanes: end.lanes, load: end.load, ...(end.stoppedBy === undefined ? {} : { stoppedBy: end.stoppedBy }) });
}
