import { defineScenario } from 'gomod-chaos';

/**
 * The most common failure outside the US: the Go project's hosts are blocked (module proxy and
 * checksum database), the user switches to a domestic mirror — which does not proxy the checksum
 * database. Every module without a go.sum line must be verified, and the database is unreachable.
 * Expected: baseline tcp-reset; mirror-first sumdb-unreachable (the proxy works, the database does
 * not); a mirror that proxies the database (sumdb-via-proxy) works; GOSUMDB=off works too, but
 * only together with a mirror, and it loses the integrity check.
 */
export default defineScenario({
  name: 'checksum-db-unreachable',
  description: 'The proxy and the checksum database are blocked; a domestic mirror serves modules but not the database. Baseline: tcp-reset; mirror-first: sumdb-unreachable.',
  corpus: { modules: 10, goSum: 'none' },
  mirrors: ['goproxy.example', 'sumdb-mirror.example'],
  sumdbMirrors: ['sumdb-mirror.example'],
  faults: [
    { kind: 'sni-reset', match: '$goproxy' },
    { kind: 'sni-reset', match: '$gosumdb' },
  ],
  mitigations: [{ name: 'mirror-list', mirrors: ['goproxy.example'] }, 'sumdb-via-proxy', 'sumdb-off'],
  reps: 8,
  timeout: '60s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'fail', failureClass: 'tcp-reset' },
    'mirror-list': { outcome: 'fail', failureClass: 'sumdb-unreachable' },
    'sumdb-off': { outcome: 'fail', failureClass: 'tcp-reset' },
    'sumdb-via-proxy': { outcome: 'ok' },
  },
});
