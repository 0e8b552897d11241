import { defineScenario } from 'gomod-chaos';

/**
 * A corporate CONNECT proxy whose deny-list includes the checksum database. With the default
 * GOPROXY go reads the database through the public mirror (which proxies it), so nothing breaks;
 * with a corporate mirror first that does not proxy the database, go goes to the database host
 * through the proxy and is denied. Expected: baseline ok; mirror-first proxy-denied; GONOSUMDB /
 * a mirror that proxies the database work.
 */
export default defineScenario({
  name: 'proxy-denies-checksum-db',
  description: 'The corporate proxy denies the checksum database host. Baseline: ok (the default proxy serves the database); a corporate mirror without it: proxy-denied.',
  corpus: { modules: 10, goSum: 'none' },
  corporateProxy: { mandatory: true },
  mirrors: ['artifactory.corp.test', 'sumdb-mirror.example'],
  sumdbMirrors: ['sumdb-mirror.example'],
  faults: [{ kind: 'proxy-deny', match: '$gosumdb' }],
  mitigations: [{ name: 'mirror-list', mirrors: ['artifactory.corp.test'], keepDefault: false }, 'gonosumdb', 'sumdb-via-proxy'],
  reps: 8,
  timeout: '60s',
  // what this scenario shows, checked after every run (a failed expectation makes `run` exit 1)
  expect: {
    baseline: { outcome: 'ok' },
    gonosumdb: { outcome: 'ok' },
    'mirror-list': { outcome: 'fail', failureClass: 'proxy-denied' },
    'sumdb-via-proxy': { outcome: 'ok' },
  },
});
