/**
 * npm run bench:overlap — does a CPU-bound trial's time move when another sandbox runs beside it?
 * The measured run is the clean scenario (--reps 10, one lane), alone, beside another clean run
 * (CPU-bound next to CPU-bound: what the lanes' guard forbids) and beside high-latency-wan (next
 * to a waiting scenario: what the guard allows); conditions rotated over --rounds. Prints the
 * pooled median of go's time per condition and its ratio to alone, with the machine's load.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readResults } from '../src/report/results.ts';

const CLI = join(import.meta.dirname, '..', 'src', 'cli.ts');
const MEASURED = 'scenarios/clean.ts';
const PARTNERS = { alone: null, 'beside-cpu': 'scenarios/clean.ts', 'beside-waiting': 'scenarios/high-latency-wan.ts' } as const;
type Condition = keyof typeof PARTNERS;

function cli(args: string[]): { done: Promise<number | null>; stop: () => void } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'ignore'] });
  return { done: new Promise((resolve) => child.once('exit', (code) => resolve(code))), stop: () => child.kill('SIGINT') };
}

async function waitForRecord(file: string): Promise<void> {
  const t0 = Date.now();
  while (!(existsSync(file) && readFileSync(file, 'utf8').includes('\n'))) {
    if (Date.now() - t0 > 120_000) throw new Error(`the partner run recorded nothing in 2 minutes (${file})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** One measured run in a condition: go's times of its successful trials. */
async function measure(condition: Condition, out: string, n: number): Promise<number[]> {
  const partnerFile = PARTNERS[condition];
  const partnerOut = join(out, `partner-${n}`);
  const partner = partnerFile ? cli(['run', partnerFile, '--reps', '1000', '--parallel', '1', '--out', partnerOut]) : undefined;
  try {
    if (partner) await waitForRecord(join(partnerOut, 'results.jsonl'));
    const dir = join(out, `measured-${n}`);
    const code = await cli(['run', MEASURED, '--reps', '10', '--parallel', '1', '--seed', String(n + 1), '--out', dir]).done;
    if (code !== 0) throw new Error(`the measured run exited ${code} (${dir})`);
    return readResults(join(dir, 'results.jsonl')).records.filter((r) => r.outcome === 'ok').map((r) => r.durationMs);
  } finally {
    partner?.stop();
    await partner?.done;
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string' } } });
  const rounds = Number(values.rounds ?? 3);
  const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-bench-overlap-'));
  const conditions = Object.keys(PARTNERS) as Condition[];
  const times = new Map<Condition, number[]>(conditions.map((c) => [c, []]));
  const load: number[] = [];
  let n = 0;
  for (let round = 0; round < rounds; round++) {
    // rotate the order: no condition always runs first
    for (const condition of [...conditions.slice(round % 3), ...conditions.slice(0, round % 3)]) {
      load.push(loadavg()[0]!);
      const t = await measure(condition, out, n++);
      times.get(condition)!.push(...t);
      process.stderr.write(`  round ${round + 1} ${condition}: median ${median(t).toFixed(0)} ms over ${t.length} trials (load ${loadavg()[0]!.toFixed(1)})\n`);
    }
  }
  const alone = median(times.get('alone')!);
  for (const c of conditions) {
    const m = median(times.get(c)!);
    process.stdout.write(`${c.padEnd(15)} median ${m.toFixed(0)} ms over ${times.get(c)!.length} trials: ${(m / alone).toFixed(2)}x alone\n`);
  }
  process.stdout.write(`machine load (1-min) at the starts: median ${median(load).toFixed(1)}, max ${Math.max(...load).toFixed(1)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:overlap: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
