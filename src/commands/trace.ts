import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { HarnessError } from '../errors.ts';
import { chromeTrace } from '../trace/chrome.ts';
import { TRACE_FILE, readTraces } from '../trace/file.ts';
import { harOf } from '../trace/har.ts';
import type { TrialTrace } from '../trace/schema.ts';

const FORMATS = ['chrome', 'har'] as const;

/**
 * `gomod-chaos trace <dir> [--trial N] [--scenario NAME] [--format chrome|har] [--out FILE]`: the
 * run's trace.jsonl as a Chrome trace (Perfetto, chrome://tracing) or as HAR 1.2 (its HTTP part).
 * Returns what to print on stdout ('' when written to --out).
 */
export function traceCommand(args: string[], version: string): { stdout: string; stderr: string } {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { trial: { type: 'string' }, scenario: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } } });
  if (positionals.length !== 1) throw new HarnessError('BAD_INPUT', 'trace takes one run folder: gomod-chaos trace reports/<run> [--trial N] [--format chrome|har]');
  const dir = positionals[0]!;
  const format = values.format ?? 'chrome';
  if (!(FORMATS as readonly string[]).includes(format)) throw new HarnessError('BAD_INPUT', `--format: got ${JSON.stringify(format)}; allowed: ${FORMATS.map((f) => `"${f}"`).join(', ')}`);
  if (!existsSync(join(dir, TRACE_FILE))) throw new HarnessError('BAD_INPUT', `${dir}: no ${TRACE_FILE} here (a run's --out folder, made by a gomod-chaos that records traces)`);
  const read = readTraces(dir);
  const warnings = read.problems.map((p) => `warning: ${p}\n`).join('');
  const traces = select(read.traces, values.trial, values.scenario);
  const text = JSON.stringify(format === 'har' ? harOf(traces, version) : chromeTrace(traces));
  if (!values.out) return { stdout: `${text}\n`, stderr: warnings };
  writeFileSync(values.out, text);
  return { stdout: '', stderr: `${warnings}wrote ${values.out}: ${traces.length} trial(s) as ${format === 'har' ? 'HAR 1.2' : 'a Chrome trace (open it in https://ui.perfetto.dev or chrome://tracing)'}\n` };
}

function select(traces: TrialTrace[], trial: string | undefined, scenario: string | undefined): TrialTrace[] {
  const scenarios = [...new Set(traces.map((t) => t.scenario))];
  if (scenario !== undefined && !scenarios.includes(scenario)) throw new HarnessError('BAD_INPUT', `--scenario: got ${JSON.stringify(scenario)}; allowed: ${scenarios.map((s) => JSON.stringify(s)).join(', ')}`);
  const ofScenario = scenario === undefined ? traces : traces.filter((t) => t.scenario === scenario);
  if (trial === undefined) return ofScenario;
  const wanted = ofScenario.filter((t) => String(t.trial) === trial);
  if (wanted.length === 0) {
    const known = ofScenario.map((t) => t.trial).sort((a, b) => a - b);
    throw new HarnessError('BAD_INPUT', `--trial: got ${JSON.stringify(trial)}; the traced trials are ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', ...' : ''}`);
  }
  if (new Set(wanted.map((t) => t.scenario)).size > 1) throw new HarnessError('BAD_INPUT', `--trial ${trial} is in several scenarios (${wanted.map((t) => t.scenario).join(', ')}): add --scenario`);
  return wanted;
}
