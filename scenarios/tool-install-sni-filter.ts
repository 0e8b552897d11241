import { defineScenario } from 'gomod-chaos';

/**
 * corp-sni-filter's network, but the client installs a tool: `go install path@version` runs
 * outside the project's module, with no go.sum, so every module of the tool is verified against
 * the checksum database. The domestic mirror that builds the project (corp-sni-filter's
 * mirror-list) does not install the tool: go asks the default proxy for the database, which is
 * reset (sumdb-unreachable). A mirror that proxies the database (sumdb-via-proxy) does.
 */
export default defineScenario({
  name: 'tool-install-sni-filter',
  description: "go install of a tool behind an SNI filter on the Go project's hosts. Baseline: tcp-reset; a mirror without the checksum database: sumdb-unreachable.",
  // the corpus's own tool (its first module's cmd/); a project names its own: install: 'golang.org/x/tools/cmd/stringer@v0.20.0'
  workload: 'install',
  mirrors: ['goproxy.example', 'sumdb-mirror.example'],
  sumdbMirrors: ['sumdb-mirror.example'],
  faults: [
    { kind: 'sni-reset', match: '$goproxy' },
    { kind: 'sni-reset', match: '$gosumdb' },
  ],
  mitigations: [{ name: 'mirror-list', mirrors: ['goproxy.example'] }, 'sumdb-via-proxy'],
  reps: 5,
  timeout: '60s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'fail', failureClass: 'tcp-reset' },
    'mirror-list': { outcome: 'fail', failureClass: 'sumdb-unreachable' },
    'sumdb-via-proxy': { outcome: 'ok' },
  },
});
