/**
 * npm run bench:soak — the scenario library for N minutes (default 30, at most 240) through the
 * real CLI, interrupted at random moments (SIGINT, then `--resume`), run after run until the time
 * is up. At the end it checks and prints: no lost and no duplicated trial in any run, nothing
 * left over (process, mount, network namespace, scratch folder, lock, Docker container or
 * network of ours), and the memory of the harness (the CLI) and of the run inside the sandbox
 * over time. Exit 1 when a check fails.
 *   --minutes N      how long to soak (default 30)
 *   --scenarios P    what to run (default scenarios/)
 *   --reps N         reps per cell (default 2: whole runs of the library finish within the soak;
 *                    "scenario" keeps each scenario's own)
 *   --seed N         seeds the interrupt times (default 1)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRandom } from '../src/random.ts';
import { readResults } from '../src/report/results.ts';
import { trialKey } from '../src/runner/plan.ts';
import { descendants } from '../test/helpers.ts';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '30' }, scenarios: { type: 'string', default: 'scenarios/' }, reps: { type: 'string', default: '2' }, seed: { type: 'string', default: '1' } } });
const minutes = Number(values.minutes);
if (!(minutes > 0 && minutes <= 240)) throw new Error(`--minutes: got ${values.minutes}; allowed: 0 < N <= 240`);
const random = createRandom(Number(values.seed));
const CLI = new URL('../src/cli.ts', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-bench-soak-'));
const deadline = Date.now() + minutes * 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => process.stderr.write(`soak: ${line}\n`);


/** A tag in the environment of every process a segment starts (the trials' go gets a fresh environment, but its HOME lies under the run's scratch, named after the CLI's pid). */
const MARK = `GOMOD_CHAOS_SOAK=${process.pid}-${Date.now()}`;
const cliPids: number[] = [];

/** Processes of ours still alive, found from their environment: orphans re-parented to init as well. */
function leftoverProcesses(): number[] {
  const tags = [MARK, ...cliPids.map((p) => `gomod-chaos-run-${p}-`)];
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => {
    if (pid === process.pid) return false;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
      return tags.some((t) => environ.includes(t));
    } catch {
      return false;
    }
  });
}

const rssMiB = (pid: number) => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
};
const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};
/** Mounts of this machine's mount namespace on a run's scratch (the sandbox mounts its own, inside). */
const ourMounts = () => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => cliPids.some((p) => l.includes(`gomod-chaos-run-${p}-`)));
const scratchDirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith('gomod-chaos-run-'));

interface Sample { atS: number; harnessMiB: number; innerMiB: number }
interface Segment { run: number; code: number | null; interruptedAfterS: number | null; planned: number; kept: number; samples: Sample[]; announced: string[] }

/** "scenario mitigation go #rep" of a progress line "[k/N] scenario mitigation go #rep: outcome ...". */
const announcedTrial = (line: string) => /^\[\d+\/\d+\] (\S+) (\S+) (\S+) #(\d+): /.exec(line)?.slice(1, 5).join(' ');
const recordLabel = (r: { scenario: string; mitigation: string; goVersion: string; rep: number }) => `${r.scenario} ${r.mitigation} ${r.goVersion} ${r.rep + 1}`;

/** One invocation of the CLI, interrupted after `interruptMs` unless it ends first. */
async function segment(run: number, dir: string, resume: boolean, interruptMs: number | null): Promise<Segment> {
  const args = [CLI, 'run', values.scenarios, '--out', dir, ...(values.reps !== 'scenario' ? ['--reps', values.reps] : []), ...(resume ? ['--resume'] : [])];
  const [key, value] = MARK.split('=') as [string, string];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, [key]: value } });
  cliPids.push(child.pid!);
  let stderr = '';
  const announced: string[] = [];
  let partial = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-20_000);
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const trial = announcedTrial(line);
      if (trial) announced.push(trial);
    }
  });
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const started = Date.now();
  const samples: Sample[] = [];
  const sampler = setInterval(() => {
    const inner = descendants(child.pid!).find((p) => cmdline(p).split('\0')[0] === process.execPath && /sandbox\/inner\.(ts|js)/.test(cmdline(p)));
    samples.push({ atS: (Date.now() - started) / 1000, harnessMiB: rssMiB(child.pid!), innerMiB: inner ? rssMiB(inner) : 0 });
  }, 5_000);
  const timer = interruptMs === null ? undefined : setTimeout(() => child.kill('SIGINT'), interruptMs);
  const code = await closed;
  clearInterval(sampler);
  clearTimeout(timer);
  const planned = Number(/(\d+) trials(?: \(shard [^)]*\))?, \d+ to run/.exec(stderr)?.[1] ?? NaN);
  if (code !== 0 && code !== 130) log(`run ${run}: exit ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return { run, code, interruptedAfterS: code === 130 && interruptMs !== null ? interruptMs / 1000 : null, planned, kept: existsSync(join(dir, 'results.jsonl')) ? readResults(join(dir, 'results.jsonl')).records.length : 0, samples, announced };
}

const segments: Segment[] = [];
const problems: string[] = [];
/** What the checks found, by kind (all must be 0). */
const found = { lost: 0, duplicated: 0, processes: 0, mounts: 0, netns: 0, scratch: 0, locks: 0, docker: 0 };
let runs = 0;
try {
  while (Date.now() < deadline) {
    runs++;
    const dir = join(out, `run-${runs}`);
    let resume = false;
    let kept = new Set<string>();
    for (;;) {
      const leftMs = deadline - Date.now();
      if (leftMs <= 0) break;
      // an interrupt at a random moment in 5..90 s, never past the soak's end
      const interruptMs = Math.min(leftMs, 5_000 + random.int(0, 85_000));
      const s = await segment(runs, dir, resume, interruptMs);
      segments.push(s);
      log(`run ${runs} segment ${segments.filter((x) => x.run === runs).length}: exit ${s.code}, ${s.kept}/${s.planned} trials kept${s.interruptedAfterS !== null ? `, interrupted after ${s.interruptedAfterS.toFixed(0)} s` : ''}`);
      // lost: a trial the CLI announced as measured, or one kept before, missing from results.jsonl now
      const now = new Set(existsSync(join(dir, 'results.jsonl')) ? readResults(join(dir, 'results.jsonl')).records.map(recordLabel) : []);
      const lost = [...s.announced, ...kept].filter((t) => !now.has(t));
      found.lost += lost.length;
      if (lost.length) problems.push(`run ${runs}: ${lost.length} trial(s) lost after segment ${segments.filter((x) => x.run === runs).length}: ${lost.slice(0, 3).join('; ')}`);
      kept = now;
      await sleep(1_000); // the kernel's teardown of the sandbox is asynchronous to the CLI's exit
      const left = leftoverProcesses();
      found.processes += left.length;
      if (left.length) problems.push(`after run ${runs}: ${left.length} process(es) left: ${left.map((p) => `${p} ${cmdline(p).replace(/\0/g, ' ').slice(0, 80)}`).join('; ')}`);
      if (s.code === 0 || (s.code !== 130 && s.code !== null)) break;
      resume = true;
    }
    const { records } = existsSync(join(dir, 'results.jsonl')) ? readResults(join(dir, 'results.jsonl')) : { records: [] };
    const keys = records.map((r) => trialKey(r));
    const duplicated = keys.length - new Set(keys).size;
    const planned = segments.find((s) => s.run === runs && Number.isFinite(s.planned))?.planned ?? NaN;
    const finished = segments.filter((s) => s.run === runs).at(-1)?.code === 0;
    found.duplicated += duplicated;
    if (finished && records.length < planned) found.lost += planned - records.length;
    if (duplicated) problems.push(`run ${runs}: ${duplicated} duplicated trial(s)`);
    if (finished && records.length !== planned) problems.push(`run ${runs}: ${records.length} trials recorded, ${planned} planned (lost ${planned - records.length})`);
    if (existsSync(join(dir, '.gomod-chaos.lock'))) found.locks++;
    if (existsSync(join(dir, '.gomod-chaos.lock'))) problems.push(`run ${runs}: its --out lock was left`);
  }
} finally {
  const leftScratch = scratchDirs().filter((n) => cliPids.includes(Number(/^gomod-chaos-run-(\d+)-/.exec(n)?.[1])));
  // a network namespace lives while a process holds it or it is bind-mounted: count those of our leftovers
  const rootNet = readlinkSync('/proc/self/ns/net');
  found.netns = new Set(leftoverProcesses().flatMap((p) => { try { return [readlinkSync(`/proc/${p}/ns/net`)]; } catch { return []; } }).filter((ns) => ns !== rootNet)).size;
  found.mounts = ourMounts().length;
  found.scratch = leftScratch.length;
  if (leftScratch.length) problems.push(`scratch folder(s) left: ${leftScratch.join(', ')}`);
  if (found.netns) problems.push(`${found.netns} network namespace(s) of ours left`);
  if (found.mounts) problems.push(`${found.mounts} mount(s) of ours left`);
  const docker = await dockerLeftovers();
  found.docker = docker.count;
  if (docker.count > 0) problems.push(`${docker.count} Docker container(s)/network(s) labelled gomod-chaos left`);
  report(segments, docker.checked);
  rmSync(out, { recursive: true, force: true });
}
for (const p of problems) log(`PROBLEM: ${p}`);
process.exit(problems.length ? 1 : 0);

async function dockerLeftovers(): Promise<{ checked: boolean; count: number }> {
  if (!existsSync('/var/run/docker.sock')) return { checked: false, count: 0 };
  try {
    const { request } = await import('node:http');
    const get = (path: string) => new Promise<unknown[]>((resolve, reject) => {
      const req = request({ socketPath: '/var/run/docker.sock', path }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve(JSON.parse(body) as unknown[]));
      });
      req.on('error', reject);
      req.end();
    });
    // only what runs of this soak made (the label carries the harness's pid): the machine may be shared
    const ours = (o: unknown) => cliPids.includes(Number((o as { Labels?: Record<string, string> }).Labels?.['gomod-chaos.pid']));
    const filter = encodeURIComponent(JSON.stringify({ label: ['gomod-chaos.run'] }));
    const [containers, networks] = await Promise.all([get(`/containers/json?all=1&filters=${filter}`), get(`/networks?filters=${filter}`)]);
    return { checked: true, count: containers.filter(ours).length + networks.filter(ours).length };
  } catch {
    return { checked: false, count: 0 };
  }
}

function report(all: Segment[], dockerChecked: boolean): void {
  const samples = all.flatMap((s) => s.samples);
  const longest = [...all].sort((a, b) => b.samples.length - a.samples.length)[0];
  const firstLast = (xs: Sample[], key: 'harnessMiB' | 'innerMiB') => {
    const v = xs.map((x) => x[key]).filter((x) => x > 0);
    return v.length ? `${v[0]!.toFixed(0)} -> ${v.at(-1)!.toFixed(0)} MiB (peak ${Math.max(...v).toFixed(0)})` : 'not sampled';
  };
  const lastOfRun = new Map(all.map((s) => [s.run, s]));
  const finishedRuns = [...lastOfRun.values()].filter((s) => s.code === 0).length;
  const leftOver = found.processes + found.mounts + found.netns + found.scratch + found.locks + found.docker;
  process.stdout.write(
    [
      `gomod-chaos soak: ${minutes} min of ${values.scenarios}, ${all.length} segments in ${lastOfRun.size} run(s) (${finishedRuns} finished), ${all.filter((s) => s.code === 130).length} interrupts (SIGINT, then --resume)`,
      `trials recorded     ${[...lastOfRun.values()].reduce((n, s) => n + s.kept, 0)}`,
      `lost / duplicated   ${found.lost} / ${found.duplicated}`,
      `left over           processes ${found.processes}, mounts ${found.mounts}, network namespaces ${found.netns}, scratch folders ${found.scratch}, locks ${found.locks}, docker ${dockerChecked ? found.docker : 'not checked (no engine)'}`,
      `harness memory      longest segment (${longest ? longest.samples.length * 5 : 0} s): ${longest ? firstLast(longest.samples, 'harnessMiB') : '-'}; peak of all samples ${samples.length ? Math.max(...samples.map((s) => s.harnessMiB)).toFixed(0) : '-'} MiB`,
      `sandbox run memory  longest segment: ${longest ? firstLast(longest.samples, 'innerMiB') : '-'}`,
      `verdict             ${found.lost} lost, ${found.duplicated} duplicated, ${leftOver} left over${problems.length ? ` (${problems.length} problem(s) below)` : ''}`,
    ].join('\n') + '\n',
  );
}
