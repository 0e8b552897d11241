import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLI, readRecords, runCli } from '../helpers.ts';

/**
 * `gomod-chaos init` in a new repository, then its GitHub Actions workflow played here step by
 * step with the same env variables: the shard jobs in parallel, artifacts as folders, the report
 * job's own bash. Only GOMOD_CHAOS (how steps start the harness) points at this checkout.
 */
const work = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-init-'));
const repo = join(work, 'repo');
const artifacts = join(work, 'artifacts');
const shims = join(work, 'bin');
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Step { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, string | number> }
interface Job { env?: Record<string, string>; steps: Step[]; strategy?: { matrix: { shard: number[] } } }
interface Workflow { env: Record<string, string>; jobs: { shard: Job; report: Job } }

/** ${{ ... }} expressions of this workflow, as GitHub would fill them in. */
function expand(text: string, context: Record<string, string>): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    if (!(expr in context)) throw new Error(`the test does not know \${{ ${expr} }}`);
    return context[expr]!;
  });
}

function bash(script: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  // GitHub's default shell for `run` on Linux: bash -e
  const child = spawn('bash', ['-e', '-c', script], { cwd: repo, env: { ...process.env, PATH: `${shims}:${process.env.PATH}`, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

/** Plays one job; `uses:` steps are emulated (artifacts are folders), `run:` steps run in bash. */
async function playJob(workflow: Workflow, job: Job, context: Record<string, string>, summary: string): Promise<string> {
  const env: Record<string, string> = { GITHUB_STEP_SUMMARY: summary };
  for (const [k, v] of Object.entries({ ...workflow.env, ...job.env })) env[k] = expand(String(v), context);
  env.GOMOD_CHAOS = `${process.execPath} ${CLI}`;
  let log = '';
  for (const step of job.steps) {
    const w = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, expand(String(v), context)]));
    if (step.if && expand(`\${{ ${step.if.split(' == ')[0]} }}`, context) !== expand(`\${{ ${step.if.split(' == ')[1]} }}`, context)) continue;
    if (step.uses?.startsWith('actions/checkout') || step.uses?.startsWith('actions/setup-')) continue;
    else if (step.uses?.startsWith('actions/upload-artifact')) cpSync(join(repo, w.path!), join(artifacts, w.name!), { recursive: true });
    else if (step.uses?.startsWith('actions/download-artifact')) {
      const prefix = w.pattern!.replace(/\*$/, '');
      for (const a of readdirSync(artifacts).filter((n) => n.startsWith(prefix))) cpSync(join(artifacts, a), join(repo, w.path!, a), { recursive: true });
    } else if (step.uses?.startsWith('dawidd6/action-download-artifact')) {
      if (existsSync(join(artifacts, w.name!))) cpSync(join(artifacts, w.name!), join(repo, w.path!), { recursive: true });
    } else if (step.name === 'prerequisites') continue; // apt-get and `setup`: done on this machine by .ci/run
    else if (step.run) {
      const result = await bash(step.run, env);
      log += result.output;
      if (result.code !== 0) throw new Error(`step "${step.name}" exited ${result.code}:\n${result.output}`);
    } else throw new Error(`the test cannot play step ${JSON.stringify(step)}`);
  }
  return log;
}

const cells = (dir: string) => readRecords(join(dir, 'results.jsonl')).map((r) => `${r.scenario}#${r.trial} ${r.mitigation} ${r.goVersion} rep${r.rep}`).sort();

describe('gomod-chaos init and its workflow', () => {
  let workflow: Workflow;
  const context = (extra: Record<string, string>) => ({ 'github.event.repository.default_branch': 'main', ...extra });

  it('writes chaos/ and the workflow, and never replaces them', async () => {
    mkdirSync(repo, { recursive: true });
    writeFileSync(join(repo, 'go.mod'), 'module example.com/acme/widget\n\ngo 1.22\n');
    const result = await runCli(['init', repo, '--shards', '2']);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(repo, 'chaos', 'slow-link.ts'), 'utf8')).toContain('example.com/acme/widget');
    workflow = parse(readFileSync(join(repo, '.github', 'workflows', 'gomod-chaos.yml'), 'utf8')) as Workflow;
    expect(workflow.jobs.shard.strategy!.matrix.shard).toEqual([1, 2]);
    const again = await runCli(['init', repo]);
    expect(again.code).toBe(2);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toContain('already exist: nothing written');
  });

  it('played on the default branch: shards in parallel, merged equals an unsharded run, summary written, baseline kept', async () => {
    mkdirSync(artifacts);
    mkdirSync(shims);
    // root runs the steps here: sudo is the identity
    writeFileSync(join(shims, 'sudo'), '#!/bin/sh\nwhile [ "${1#-}" != "$1" ]; do shift; done\nexec "$@"\n');
    chmodSync(join(shims, 'sudo'), 0o755);
    const shards = workflow.jobs.shard.strategy!.matrix.shard;
    await Promise.all(shards.map((i) => playJob(workflow, workflow.jobs.shard, context({ 'matrix.shard': String(i) }), join(work, `summary-shard-${i}`))));
    const summary = join(work, 'summary-main.md');
    await playJob(workflow, workflow.jobs.report, context({ 'github.ref_name': 'main' }), summary);
    const merged = join(repo, 'chaos-results', 'merged');
    const unsharded = await runCli(['run', join(repo, 'chaos'), '--out', join(work, 'unsharded')]);
    expect(unsharded.code, unsharded.stderr).toBe(0);
    expect(cells(merged)).toHaveLength(8);
    expect(cells(merged)).toEqual(cells(join(work, 'unsharded')));
    const text = readFileSync(summary, 'utf8');
    expect(text).toContain('| baseline |');
    expect(text).toContain('no baseline report yet');
    expect(existsSync(join(artifacts, 'gomod-chaos-baseline', 'report.json'))).toBe(true);
  });

  it('played on a pull request: compares with the baseline artifact, the table lands in the summary', async () => {
    rmSync(join(repo, 'chaos-results'), { recursive: true, force: true });
    const summary = join(work, 'summary-pr.md');
    await playJob(workflow, workflow.jobs.report, context({ 'github.ref_name': 'feature' }), summary);
    const text = readFileSync(summary, 'utf8');
    // the same trials as the baseline: compared cell by cell, no regression, exit 0
    expect(text).toMatch(/\| slow-link \| baseline go\d/);
    expect(text).toContain('no regression');
  });
});
