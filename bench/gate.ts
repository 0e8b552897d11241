/**
 * npm run bench:gate — can the compare gate be trusted on this machine? Real runs of a clean
 * scenario: A/A false alarms between separate runs (every pair), the between-run drift, A/A within
 * one run (--against itself), and a planted one-off DNS delay (on the module proxy's name) caught
 * by `run --against` + `compare`, down to the smallest delay caught. Sizes via BENCH_* variables.
 */
import { benchGate, formatGateBench } from './gate-lib.ts';

const env = (name: string, fallback: number) => Number(process.env[`BENCH_${name}`] ?? fallback);
const opts = {
  aaRuns: env('AA_RUNS', 8),
  reps: env('REPS', 20),
  plantedDelayMs: env('DELAY_MS', 40),
  tries: env('TRIES', 10),
  otherDelaysMs: (process.env['BENCH_OTHER_MS'] ?? '20,100,200').split(',').filter(Boolean).map(Number),
  smallTries: env('SMALL_TRIES', 3),
  aaWithinTries: env('AA_WITHIN', 5),
  corpusModules: env('MODULES', 20),
};
process.stdout.write(formatGateBench(opts, await benchGate(opts)));
