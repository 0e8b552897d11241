import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './test/sequencer.ts';

export default defineConfig({
  resolve: {
    alias: { 'gomod-chaos': fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two test files at a time. Most integration time is the real go waiting on a fault (a timeout,
    // latency, a stall) with the CPU idle: on 2 cores the suite used 0.68 of one core on average
    // when run one file at a time (8m45s CPU in 12m54s). Every file owns its sandboxes, ports,
    // --out folders and temp dirs; shared caches (corpus, snapshots, toolchains) are written to a
    // temp name and renamed. Timing assertions are physical bounds that hold with busy loops beside
    // the suite (npm run test:stress), which is harsher than a second test file.
    fileParallelism: true,
    maxWorkers: 2,
    // Node's compile cache (V8 code cache, TypeScript included) for the CLI and sandbox processes the
    // tests start: the suite starts hundreds, each loading the harness's sources (measured: the CPU of
    // test/integration/cli-conventions.test.ts 36.5 s -> 30.0 s). Keyed by the sources' contents.
    env: { NODE_COMPILE_CACHE: process.env['NODE_COMPILE_CACHE'] ?? join(tmpdir(), 'gomod-chaos-test-compile-cache') },
    // the long files first, even in a clean clone (no duration cache): test/sequencer.ts
    sequence: { sequencer: LongestFirstSequencer },
  },
});
