/**
 * npm run bench:gate — can the compare gate be trusted on this machine? Real runs of a clean
 * scenario: A/A false alarms between separate runs (every pair), the between-run drift, A/A within
 * one run (--against itself) and the noise it shows, and a planted one-off DNS delay (on the module
 * proxy's name) caught by `run --against` + `compare`, down to the smallest delay caught. Once per
 * corpus size in BENCH_MODULES (default 1 and 20 modules: the gate's sensitivity depends on the
 * workload's own noise). Other sizes via BENCH_* variables.
 */
import { benchGate, formatGateBench } from './gate-lib.ts';

const env = (name: string, fallback: number) => Number(process.env[`BENCH_${name}`] ?? fallback);
const list = (name: string, fallback: string) => (process.env[`BENCH_${name}`] ?? fallback).split(',').filter(Boolean).map(Number);
for (const corpusModules of list('MODULES', '1,20')) {
  const opts = {
    aaRuns: env('AA_RUNS', 8),
    reps: env('REPS', 20),
    plantedDelayMs: env('DELAY_MS', 40),
    tries: env('TRIES', 10),
    otherDelaysMs: list('OTHER_MS', '20,100,200'),
    smallTries: env('SMALL_TRIES', 3),
    aaWithinTries: env('AA_WITHIN', 5),
    corpusModules,
  };
  process.stdout.write(formatGateBench(opts, await benchGate(opts)) + '\n');
}
