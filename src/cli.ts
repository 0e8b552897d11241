import { parseArgs } from 'node:util';
import { findGo } from './client/toolchain.ts';
import { doctor } from './commands/doctor.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareReports } from './commands/compare.ts';
import { merge } from './commands/merge.ts';
import { traceCommand } from './commands/trace.ts';
import { REPORTERS, writeReports } from './report/write.ts';
import { runScenarios, type RunOptions } from './commands/run.ts';
import { BACKENDS, type Backend } from './sandbox/backend.ts';
import { parseShard } from './runner/plan.ts';
import { scenarioFiles } from './scenario/load.ts';
import { parseDuration } from './duration.ts';
import { HarnessError, errorMessage } from './errors.ts';
import { listing } from './commands/list.ts';
import { snapshotCommand } from './commands/snapshot.ts';
import { WORKLOAD_NAMES, installTargetSchema, type WorkloadName } from './workload/schema.ts';
import { loadScenario } from './scenario/load.ts';
import { installToxiproxy, locateToxiproxy } from './wan/toxiproxy-binary.ts';
import { ensureRelay } from './firewall/relay.ts';
import { EXIT_CODES, commandHelp, commandNames, packageVersion } from './cli-help.ts';
import { didYouMean } from './did-you-mean.ts';
import { listData } from './commands/list.ts';
import { init } from './commands/init.ts';

const USAGE = `usage: gomod-chaos <command>

  run <scenario.ts|dir>... [--reps N] [--out DIR] [--timeout 90s] [--seed N]
      [--go go1.22.12,go1.26.8] [--shard i/n] [--resume] [--backend netns|docker]
      [--parallel N] [--against base.ts] [--json] [--project DIR]
      [--workload download|build|test|get-u|list-updates|install|toolchain] [--install path@version]
                       every mitigation x go version x N repetitions, each scenario in a fresh
                       sandbox; results.jsonl and a report land in --out (default
                       reports/<name>-<time>); --resume continues an interrupted run in --out;
                       --backend docker runs each host in its own container (Docker engine);
                       --parallel N runs up to N sandboxes at once (lanes; default: the
                       machine's choice, printed; 1 = one at a time);
                       --against runs a base scenario interleaved with the candidate (the
                       control of \`compare <out>/report.json\`); exit 1 when a scenario's
                       \`expect\` block is not met, 130 when interrupted;
                       --project runs them against a Go project's snapshot (see snapshot);
                       --workload overrides what the client runs; --install names the
                       target of go install (and means --workload install)
  merge <dirs>... --out DIR
                       join the shards of one run into one results.jsonl and report
  report <dir>         rebuild report.json/.md/.html, junit.xml and results.csv from results.jsonl
  trace <dir> [--trial N] [--scenario NAME] [--format chrome|har] [--out FILE]
                       the trials' spans (trace.jsonl) as a Chrome trace (Perfetto,
                       chrome://tracing; default) or HAR 1.2 (the HTTP requests), on stdout
  compare <base report.json> <candidate report.json> | <report.json of a run --against>
      [--min-effect 5%] [--alpha 0.05] [--drift 35%] [--allow-inconclusive] [--json]
                       verdict per cell (better, worse, no difference shown, inconclusive);
                       exit 0 when every cell is decided without regression, 1 on a regression,
                       3 when a cell is inconclusive or missing from the candidate
  doctor [--json]      what is installed, what is missing, how to fix it
  setup                install what the harness builds itself (Toxiproxy, with go install)
  list [--json]        scenarios, faults and mitigations this version knows
  init [DIR] [--shards N] [--force]
                       write chaos/slow-link.ts (an example scenario) and a GitHub Actions workflow
                       (.github/workflows/gomod-chaos.yml: a matrix of shards, merge, compare
                       with the default branch's report, summary, fail on regression)
  snapshot <project> [--workload get-u] [--install path@version]
                       resolve a Go project's module graph once through your GOPROXY into the
                       harness cache (keyed by go.mod + go.sum); runs with --project serve it;
                       --workload get-u adds what go get -u ./... fetches, --install what
                       that go install fetches (a run adds it on first use too).
                       GOPRIVATE modules: fetched and mirrored with your own git, served by the
                       run's code host under their own hosts

  Also: gomod-chaos --version; gomod-chaos <command> --help. With --json a command writes one
  JSON document on stdout (progress stays on stderr).

${EXIT_CODES}`;

function positiveInt(flag: string, value: string | undefined, max = 1_000_000): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new HarnessError('BAD_INPUT', `--${flag}: got ${JSON.stringify(value)}; allowed: a whole number from 0 to ${max}`);
  return n;
}

function workloadName(value: string): WorkloadName {
  if (!(WORKLOAD_NAMES as readonly string[]).includes(value)) throw new HarnessError('BAD_INPUT', `--workload: got ${JSON.stringify(value)}; allowed: ${WORKLOAD_NAMES.map((n) => `"${n}"`).join(', ')} (scripts go in the scenario file)`);
  return value as WorkloadName;
}

/** --workload and --install (alone, it means the install workload), each checked. */
function workloadFlags(values: { workload?: string | undefined; install?: string | undefined }): { workload?: WorkloadName; install?: string } {
  const workload = values.workload !== undefined ? workloadName(values.workload) : values.install !== undefined ? 'install' : undefined;
  if (values.install === undefined) return workload ? { workload } : {};
  if (!installTargetSchema.safeParse(values.install).success) {
    throw new HarnessError('BAD_INPUT', `--install: got ${JSON.stringify(values.install)}; allowed: a main package at a version, such as golang.org/x/tools/cmd/stringer@v0.20.0`);
  }
  if (workload !== 'install') throw new HarnessError('BAD_INPUT', `--install: goes with --workload install (got --workload ${workload})`);
  return { workload, install: values.install };
}

const json = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

const RUN_OPTIONS = {
  reps: { type: 'string' },
  out: { type: 'string' },
  timeout: { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  go: { type: 'string' },
  shard: { type: 'string' },
  parallel: { type: 'string' },
  resume: { type: 'boolean' },
  project: { type: 'string' },
  workload: { type: 'string' },
  install: { type: 'string' },
  against: { type: 'string' },
  json: { type: 'boolean' },
} as const;

type RunFlags = ReturnType<typeof parseArgs<{ options: typeof RUN_OPTIONS }>>['values'];

function backendName(value: string | undefined): Backend | undefined {
  if (value === undefined || BACKENDS.includes(value as Backend)) return value as Backend | undefined;
  throw new HarnessError('BAD_INPUT', `--backend: got ${JSON.stringify(value)}; allowed: "netns" (namespaces of this machine, the default) or "docker" (a container per host)`);
}

function timeoutFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const timeoutMs = parseDuration(/^\d+$/.test(value) ? Number(value) : value);
  if (!timeoutMs) throw new HarnessError('BAD_INPUT', `--timeout: got ${JSON.stringify(value)}; allowed: a duration such as 90s, 2m, 500ms or a number of ms`);
  return timeoutMs;
}

/** The run flags as RunOptions (without the scenarios): each flag checked, absent ones left out. */
function runFlags(values: RunFlags): Omit<RunOptions, 'scenarios' | 'against'> {
  const backend = backendName(values.backend);
  if (values.resume && values.out === undefined) throw new HarnessError('BAD_INPUT', '--resume needs --out: the folder of the run to continue');
  const reps = positiveInt('reps', values.reps, 100_000);
  if (reps === 0) throw new HarnessError('BAD_INPUT', '--reps: got "0"; allowed: a whole number from 1 to 100000');
  const timeoutMs = timeoutFlag(values.timeout);
  const shard = values.shard !== undefined ? parseShard(values.shard) : undefined;
  const parallel = values.parallel === undefined ? undefined : Number(values.parallel);
  if (parallel !== undefined && !(Number.isInteger(parallel) && parallel >= 1 && parallel <= 64)) throw new HarnessError('BAD_INPUT', `--parallel: got ${JSON.stringify(values.parallel)}; allowed: a whole number from 1 to 64 (1 = one sandbox at a time)`);
  const goVersions = values.go?.split(',').map((v) => v.trim()).filter(Boolean);
  return {
    ...(values.out !== undefined ? { outDir: values.out } : {}),
    ...(reps !== undefined ? { reps } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(values.seed !== undefined ? { seed: positiveInt('seed', values.seed, 2 ** 31 - 1)! } : {}),
    ...(goVersions?.length ? { goVersions } : {}),
    ...(shard ? { shard } : {}),
    ...(parallel !== undefined ? { parallel } : {}),
    ...(values.resume ? { resume: true } : {}),
    ...(backend !== undefined ? { backend } : {}),
    ...(values.project !== undefined ? { project: values.project } : {}),
    ...workloadFlags(values),
    ...(values.json ? { quiet: true } : {}),
  };
}

async function runCommand(args: string[], argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: RUN_OPTIONS });
  if (positionals.length === 0) throw new HarnessError('BAD_INPUT', 'run takes scenario files or folders: e.g. npx gomod-chaos run scenarios/clean.ts');
  const flags = runFlags(values);
  const scenarios = [];
  for (const file of scenarioFiles(positionals)) scenarios.push(await loadScenario(file));
  const against = values.against !== undefined ? await loadScenario(values.against) : undefined;
  const outcome = await runScenarios({ scenarios, command: ['gomod-chaos', ...argv].join(' '), ...flags, ...(against ? { against } : {}) });
  if (values.json) json({ ...outcome, report: JSON.parse(readFileSync(join(outcome.outDir, 'report.json'), 'utf8')) as unknown });
  else if (against && !outcome.interrupted) process.stdout.write(`\n${compareReports([join(outcome.outDir, 'report.json')], {}).text}`);
  return outcome.interrupted ? 130 : outcome.failedExpectations.length ? 1 : 0;
}

function mergeCommand(args: string[]): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' } } });
  if (!values.out) throw new HarnessError('BAD_INPUT', 'merge needs --out: where the joined results and report go');
  const merged = merge(positionals, values.out);
  process.stderr.write(`merged ${merged.records} trials into ${values.out}\n`);
  return 0;
}

function reportCommand(args: string[]): number {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new HarnessError('BAD_INPUT', 'report takes one run folder: gomod-chaos report reports/<run>');
  const dir = positionals[0]!;
  if (!existsSync(join(dir, 'results.jsonl'))) throw new HarnessError('BAD_INPUT', `${dir}: no results.jsonl here (is it a run's --out folder?)`);
  const { report } = writeReports(dir);
  for (const p of report.skippedLines) process.stderr.write(`warning: ${p}\n`);
  process.stderr.write(`report: ${REPORTERS.map((r) => join(dir, r.file)).join(', ')}\n`);
  return 0;
}

function traceCommandLine(args: string[]): number {
  const { stdout, stderr } = traceCommand(args, packageVersion());
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  return 0;
}

/** A fraction flag: 0.05 or 5%, strictly between 0 and max. */
function fraction(flag: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.endsWith('%') ? Number(value.slice(0, -1)) / 100 : value);
  if (!(n > 0 && n < max)) throw new HarnessError('BAD_INPUT', `--${flag}: got ${JSON.stringify(value)}; allowed: a number between 0 and ${max} (e.g. 0.05 or 5%)`);
  return n;
}

function compareCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { threshold: { type: 'string' }, 'min-effect': { type: 'string' }, alpha: { type: 'string' }, drift: { type: 'string' }, 'allow-inconclusive': { type: 'boolean' }, json: { type: 'boolean' } },
  });
  if (positionals.length < 1 || positionals.length > 2) throw new HarnessError('BAD_INPUT', 'compare takes two reports (gomod-chaos compare <base report.json> <candidate report.json>) or the report of a run made with --against');
  const threshold = fraction('min-effect', values['min-effect'] ?? values.threshold, 10);
  const alpha = fraction('alpha', values.alpha, 1);
  const driftBound = fraction('drift', values.drift, 10);
  const result = compareReports(positionals, {
    settings: { ...(threshold !== undefined ? { threshold } : {}), ...(alpha !== undefined ? { alpha } : {}) },
    ...(driftBound !== undefined ? { driftBound } : {}),
    ...(values['allow-inconclusive'] ? { allowInconclusive: true } : {}),
  });
  if (values.json) json({ exitCode: result.exitCode, regressions: result.regressions, inconclusive: result.inconclusive, missing: result.missing, cells: result.cells });
  else process.stdout.write(result.text);
  return result.exitCode;
}

async function doctorCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } } });
  return await doctor({ json: values.json === true });
}

function setupCommand(): number {
  const tp = locateToxiproxy() ?? installToxiproxy(findGo(), (l) => process.stderr.write(`${l}\n`));
  process.stdout.write(`toxiproxy-server: ${tp.path}\n`);
  const relay = ensureRelay(findGo(), (l) => process.stderr.write(`${l}\n`));
  process.stdout.write(`firewall relay: ${relay ?? 'none (the firewall relays in node)'}\n`);
  return 0;
}

function listCommand(args: string[]): number {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } } });
  if (values.json) json(listData());
  else process.stdout.write(listing());
  return 0;
}

function initCommand(args: string[]): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { shards: { type: 'string' }, force: { type: 'boolean' } } });
  if (positionals.length > 1) throw new HarnessError('BAD_INPUT', 'init takes at most one folder: gomod-chaos init [DIR]');
  const shards = positiveInt('shards', values.shards, 256);
  if (shards === 0) throw new HarnessError('BAD_INPUT', '--shards: got "0"; allowed: a whole number from 1 to 256');
  const written = init(positionals[0] ?? '.', { version: packageVersion(), ...(shards ? { shards } : {}), force: values.force === true });
  for (const f of written) process.stderr.write(`wrote ${f}\n`);
  return 0;
}

async function snapshotCommandLine(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { workload: { type: 'string' }, install: { type: 'string' } } });
  if (positionals.length !== 1) throw new HarnessError('BAD_INPUT', 'snapshot takes one project folder (the one with go.mod): gomod-chaos snapshot ./my-service');
  const { workload, install } = workloadFlags(values);
  if (workload === 'install' && install === undefined) throw new HarnessError('BAD_INPUT', '--workload install: the snapshot needs its target: --install path@version');
  process.stdout.write(await snapshotCommand(positionals[0]!, { getU: workload === 'get-u', install }));
  return 0;
}

/** Every command: its arguments (after the command name) and the whole argv -> exit code. */
const COMMANDS: Record<string, (args: string[], argv: string[]) => number | Promise<number>> = {
  run: runCommand,
  merge: mergeCommand,
  report: reportCommand,
  trace: traceCommandLine,
  compare: compareCommand,
  doctor: doctorCommand,
  setup: setupCommand,
  list: listCommand,
  init: initCommand,
  snapshot: snapshotCommandLine,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-V' || command === 'version') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const help = command !== undefined && (rest.includes('--help') || rest.includes('-h')) ? commandHelp(USAGE, command) : undefined;
  if (help) {
    process.stdout.write(help);
    return 0;
  }
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  const handler = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!handler) throw new HarnessError('BAD_INPUT', `unknown command ${JSON.stringify(command)}${didYouMean(command, commandNames(USAGE))}; allowed: ${commandNames(USAGE).join(', ')}, help`);
  return await handler(rest, argv);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof HarnessError) {
      process.stderr.write(`gomod-chaos: ${err.message}\n`);
      process.exit(2);
    }
    // parseArgs errors are bad input too
    if (err instanceof TypeError && 'code' in err && String((err as { code: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`gomod-chaos: ${errorMessage(err)}\n`);
      process.exit(2);
    }
    process.stderr.write(`gomod-chaos: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
