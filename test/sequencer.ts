import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds per file in CI (a clean clone of d2d9cae, two files at a time, one busy loop beside),
 * the files of 5 s and more. A clean clone has no duration cache: vitest then starts the largest
 * files first, and a 74 s file started last ran alone at the end. Rough figures are enough: they
 * only order the files.
 */
const CI_SECONDS: Readonly<Record<string, number>> = Object.freeze({
  'test/integration/docker.test.ts': 272,
  'test/integration/mitigations.test.ts': 110,
  'test/integration/project.test.ts': 94,
  'test/integration/report.test.ts': 91,
  'test/integration/package.test.ts': 89,
  'test/integration/runner.test.ts': 81,
  'test/integration/components/config-gate.test.ts': 74,
  'test/integration/faults/http.test.ts': 60,
  'test/integration/harness-faults.test.ts': 56,
  'test/integration/sumdb.test.ts': 49,
  'test/integration/init.test.ts': 47,
  'test/integration/faults/dns.test.ts': 46,
  'test/integration/cli-conventions.test.ts': 45,
  'test/integration/workload.test.ts': 41,
  'test/integration/components/real-software.test.ts': 37,
  'test/integration/lanes.test.ts': 37,
  'test/integration/faults/tcp.test.ts': 35,
  'test/integration/run.test.ts': 33,
  'test/integration/components/real-tls-dns.test.ts': 32,
  'test/integration/cli-errors.test.ts': 28,
  'test/integration/faults/tls.test.ts': 27,
  'test/integration/components/cross-validation.test.ts': 25,
  'test/integration/old-node.test.ts': 25,
  'test/integration/vcs.test.ts': 21,
  'test/integration/trace.test.ts': 21,
  'test/integration/vcs-mitigations.test.ts': 20,
  'test/integration/gate-bench.test.ts': 20,
  'test/integration/private.test.ts': 20,
  'test/integration/lifecycle.test.ts': 18,
  'test/integration/faults/timeline.test.ts': 18,
  'test/integration/faults/proxy.test.ts': 13,
  'test/integration/toolchain-snapshot.test.ts': 9,
  'test/proxy/connect-proxy.test.ts': 8,
  'test/integration/faults-acted.test.ts': 7,
  'test/sumdb/database.test.ts': 7,
  'test/report/html.test.ts': 5,
  'test/origin/faults.test.ts': 5,
});

/** A file not in the table yet: an integration file is taken for a middling one, a unit file for a short one. */
const UNKNOWN_INTEGRATION_S = 30;

/**
 * Longest files first, so that the last files to start are short ones (two workers end
 * together). With a duration for every file in vitest's cache (a second run on this
 * machine), vitest's own order: failed first, then longest first by the cached times.
 */
export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const ordered = await super.sort(files);
    if (files.every((spec) => this.ctx.cache.getTestSpecificationResult(spec))) return ordered;
    const seconds = (spec: TestSpecification) => {
      const path = relative(spec.project.config.root, spec.moduleId);
      return CI_SECONDS[path] ?? (path.startsWith('test/integration/') ? UNKNOWN_INTEGRATION_S : 0);
    };
    return ordered.map((spec, index) => ({ spec, index, s: seconds(spec) })).sort((a, b) => b.s - a.s || a.index - b.index).map(({ spec }) => spec);
  }
}
