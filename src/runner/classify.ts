/**
 * Failure classes read from the toolchain's stderr. The first matching rule wins, so the more
 * specific symptoms come first. Messages are those of net, crypto/tls, net/http and cmd/go.
 */
interface FailureRule {
  failureClass: string;
  pattern: RegExp;
}

const GIT_ACCESS = String.raw`fatal: unable to access '[^']*': `;
const gitRule = (failureClass: string, curlMessage: string): FailureRule => ({ failureClass, pattern: new RegExp(GIT_ACCESS + '(?:' + curlMessage + ')') });

/** libcurl's errors (as git prints them) for the network's faults: one class each, all `git-*`. */
const GIT_RULES: readonly FailureRule[] = [
  gitRule('git-dns', 'Could not resolve host'),
  gitRule('git-tls-untrusted', 'server certificate verification failed|SSL certificate problem'),
  gitRule('git-tcp-refused', 'Failed to connect to .*(Connection refused|Couldn.t connect)'),
  gitRule('git-timeout', '.*(timed out|Timeout was reached)'),
  gitRule('git-reset', '.*(Connection reset by peer|gnutls_handshake\\(\\) failed|SSL_connect|Recv failure|Send failure)'),
  gitRule('git-http2-error', '.*(HTTP/2 stream \\d+ was not closed cleanly|HTTP/2|http2)'),
  gitRule('git-http-error', 'The requested URL returned error'),
  { failureClass: 'git-error', pattern: new RegExp(GIT_ACCESS + '|git (?:ls-remote|fetch) .* exit status') },
];

const FAILURE_RULES: readonly FailureRule[] = [
  // The checksum database's signed tree heads do not form one log (sumdb.Client.checkTrees).
  { failureClass: 'sumdb-misbehavior', pattern: /go\.sum database server misbehavior detected/ },
  { failureClass: 'checksum-mismatch', pattern: /SECURITY ERROR|checksum mismatch/ },
  // A CONNECT refused by the proxy: go reports only the status text after the URL.
  { failureClass: 'proxy-auth', pattern: /": Proxy Authentication Required$/m },
  { failureClass: 'proxy-denied', pattern: /": Forbidden$/m },
  { failureClass: 'proxy-error', pattern: /": (Bad Gateway|Gateway Timeout)$/m },
  { failureClass: 'proxy-unreachable', pattern: /proxyconnect tcp:/ },
  // The module was downloaded but the checksum database could not be read (directly or through a
  // proxy's /sumdb/ path): whatever the network error, before the generic DNS, TCP and HTTP rules.
  {
    failureClass: 'sumdb-unreachable',
    pattern: /verifying (module|go\.mod): \S+: (Get "|reading )https?:\/\/\S+\/(lookup\/|tile\/|latest\b|supported\b)/,
  },
  // go's own refusals to fetch, before any network
  { failureClass: 'goproxy-off', pattern: /module lookup disabled by GOPROXY=off/ },
  { failureClass: 'vcs-disallowed', pattern: /GOVCS disallows using \S+ for/ },
  // a module (get -u's upgrade, install's target) needs a newer Go than the one under test, which
  // the client may not download (GOTOOLCHAIN=local): cmd/go's gover.TooNewError
  { failureClass: 'toolchain-required', pattern: /requires go >= \S+ \(running go \S+[;)]/ },
  // git failed under a direct fetch (GOPROXY=direct, GOPRIVATE): libcurl's message after git's
  // "fatal: unable to access '<url>': ", before the generic rules (which read go's own messages)
  ...GIT_RULES,
  { failureClass: 'dns-nxdomain', pattern: /lookup \S+( on \S+)?: no such host/ },
  { failureClass: 'dns-servfail', pattern: /lookup \S+( on \S+)?: server misbehaving/ },
  { failureClass: 'dns-timeout', pattern: /lookup \S+( on \S+)?: (read udp \S+->\S+: )?i\/o timeout|lookup \S+.*: (dial|read) udp .*timeout/ },
  { failureClass: 'dns-error', pattern: /lookup \S+( on \S+)?:/ },
  { failureClass: 'tls-untrusted', pattern: /x509: certificate signed by unknown authority|tls: failed to verify certificate/ },
  { failureClass: 'tls-handshake-timeout', pattern: /TLS handshake timeout/ },
  { failureClass: 'tls-error', pattern: /remote error: tls:|tls: / },
  { failureClass: 'http2-stream-error', pattern: /stream error: stream ID \d+|http2: (server sent GOAWAY|client connection lost|response body closed)/ },
  { failureClass: 'tcp-refused', pattern: /connect: connection refused/ },
  { failureClass: 'tcp-reset', pattern: /connection reset by peer/ },
  { failureClass: 'tcp-timeout', pattern: /dial tcp \S+: (connect: connection timed out|i\/o timeout)/ },
  { failureClass: 'tcp-eof', pattern: /unexpected EOF|: EOF\b/ },
  { failureClass: 'http-404', pattern: /\b404 Not Found\b/ },
  { failureClass: 'http-410', pattern: /\b410 Gone\b/ },
  { failureClass: 'http-403', pattern: /\b403 Forbidden\b/ },
  { failureClass: 'http-429', pattern: /\b429 Too Many Requests\b/ },
  { failureClass: 'http-5xx', pattern: /\b5\d\d [A-Z][A-Za-z ]+/ },
  { failureClass: 'sumdb-unreachable', pattern: /verifying (module|go\.mod):/ },
];

export function classifyFailure(stderr: string): string {
  for (const rule of FAILURE_RULES) if (rule.pattern.test(stderr)) return rule.failureClass;
  return 'unknown';
}
