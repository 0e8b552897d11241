/** What `gomod-chaos init` writes: an example scenario and a GitHub Actions workflow. */

export function exampleScenario(module: string | undefined): string {
  const about = module ? `the module downloads of ${module}` : 'your module downloads';
  return `import { defineScenario } from 'gomod-chaos';

/**
 * An example for ${about}: a slow link to the module proxy.
 * Run it with \`npx gomod-chaos run chaos\`; \`npx gomod-chaos list\` prints every fault and mitigation.
 */
export default defineScenario({
  name: 'slow-link',
  description: 'The link to the module proxy adds 80 ms each way: does HTTP/1.1 (several connections) beat HTTP/2 (one)?',
  corpus: { modules: 8, seed: 1 },
  faults: [{ kind: 'tcp-latency', match: '*', latency: '80ms', jitter: '10ms' }],
  mitigations: ['baseline', 'http2-off'],
  reps: 4,
  timeout: '90s',
});
`;
}

/**
 * The CI workflow: the scenarios run as a matrix of shards (the CI system is the distributed
 * engine), one job merges them, writes the Markdown report to the job summary, compares it with
 * the baseline report of the default branch (an artifact) and fails on a regression (exit 1).
 */
export function workflow(version: string, shards: number): string {
  const list = Array.from({ length: shards }, (_, i) => i + 1).join(', ');
  return `name: gomod-chaos
on:
  push:
    branches: [main]
  pull_request:
  workflow_dispatch:

permissions:
  contents: read
  actions: read

env:
  # how every step starts the harness (the tests of this workflow point it at a local build)
  GOMOD_CHAOS: npx --yes gomod-chaos@${version}
  RESULTS: chaos-results

jobs:
  shard:
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        shard: [${list}]
    env:
      SHARD: \${{ matrix.shard }}/${shards}
      SHARD_OUT: chaos-results/shard-\${{ matrix.shard }}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version: stable
      - uses: actions/setup-node@v4
        with:
          node-version: 24
      - name: prerequisites
        run: |
          sudo apt-get install -y -qq util-linux iproute2
          $GOMOD_CHAOS setup
      - name: run one shard
        run: sudo -E env "PATH=$PATH" $GOMOD_CHAOS run chaos --shard "$SHARD" --out "$SHARD_OUT"
      - uses: actions/upload-artifact@v4
        with:
          name: gomod-chaos-shard-\${{ matrix.shard }}
          path: chaos-results/shard-\${{ matrix.shard }}

  report:
    needs: shard
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-node@v4
        with:
          node-version: 24
      - uses: actions/download-artifact@v4
        with:
          pattern: gomod-chaos-shard-*
          path: chaos-results
      - name: the baseline (the last report of the default branch)
        uses: dawidd6/action-download-artifact@v6
        with:
          branch: \${{ github.event.repository.default_branch }}
          workflow: gomod-chaos.yml
          name: gomod-chaos-baseline
          path: chaos-results/baseline
          if_no_artifact_found: warn
      - name: merge, summary, compare
        run: |
          $GOMOD_CHAOS merge "$RESULTS"/gomod-chaos-shard-* --out "$RESULTS/merged"
          cat "$RESULTS/merged/report.md" >> "$GITHUB_STEP_SUMMARY"
          if [ -f "$RESULTS/baseline/report.json" ]; then
            # exit 1 on a regression fails the job; 3 (inconclusive) and 2 (bad input) too
            set -o pipefail
            $GOMOD_CHAOS compare "$RESULTS/baseline/report.json" "$RESULTS/merged/report.json" | tee -a "$GITHUB_STEP_SUMMARY"
          else
            echo "no baseline report yet: this run becomes the baseline once it is on the default branch" >> "$GITHUB_STEP_SUMMARY"
          fi
      - name: keep the report as the next baseline
        if: github.ref_name == github.event.repository.default_branch
        uses: actions/upload-artifact@v4
        with:
          name: gomod-chaos-baseline
          path: chaos-results/merged
`;
}
