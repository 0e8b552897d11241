import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../src/runner/classify.ts';

// stderr lines as the real go 1.26 printed them in runs of this harness.
const CAPTURED: Array<[string, string]> = [
  ['go: gomod.example/Corp/m015@v1.0.0: unrecognized import path "gomod.example/Corp/m015": reading https://gomod.example/Corp/m015?go-get=1: 404 Not Found\n\tserver response: not found: Corp/m015', 'http-404'],
  ['go: gomod.example/lib/m000@v1.0.1: Get "https://proxy.golang.org/gomod.example/lib/m000/@v/v1.0.1.mod": dial tcp: lookup proxy.golang.org on 127.0.0.53:53: no such host', 'dns-nxdomain'],
  ['go: gomod.example/lib/m000@v1.0.1: Get "https://proxy.golang.org/gomod.example/lib/m000/@v/v1.0.1.mod": tls: failed to verify certificate: x509: certificate signed by unknown authority', 'tls-untrusted'],
  ['go: gomod.example/lib/m000@v1.0.1: Get "https://proxy.golang.org/gomod.example/lib/m000/@v/v1.0.1.zip": read tcp 127.0.0.1:41234->127.0.1.1:443: read: connection reset by peer', 'tcp-reset'],
  ['go: gomod.example/lib/m000@v1.0.1: Get "https://proxy.golang.org/x/@v/list": dial tcp 127.0.1.1:443: connect: connection refused', 'tcp-refused'],
  ['go: gomod.example/lib/m000@v1.0.1: Get "https://proxy.golang.org/gomod.example/lib/m000/@v/v1.0.1.mod": dial tcp: lookup proxy.golang.org on 127.0.0.53:53: server misbehaving', 'dns-servfail'],
  ['go: gomod.example/lib/m000@v1.0.1: Get "https://proxy.golang.org/gomod.example/lib/m000/@v/v1.0.1.mod": dial tcp: lookup proxy.golang.org on 127.0.0.53:53: read udp 127.0.0.1:37208->127.0.0.53:53: i/o timeout', 'dns-timeout'],
  ['go: gomod.example/lib/m000@v1.0.1: Get "https://proxy.golang.org/gomod.example/lib/m000/@v/v1.0.1.mod": dial tcp 127.0.9.9:443: connect: connection refused', 'tcp-refused'],
  ['go: gomod.example/lib/m000@v1.0.1: Get "https://proxy.golang.org/gomod.example/lib/m000/@v/v1.0.1.mod": read tcp [::1]:42814->[::1]:443: read: connection reset by peer', 'tcp-reset'],
  ['gomod.example/lib/m000@v1.0.1: Get "https://proxy.golang.org/gomod.example/lib/m000/@v/v1.0.1.zip": unexpected EOF', 'tcp-eof'],
  ['go: gomod.example/lib/m000@v1.0.1: Get "https://proxy.golang.org/gomod.example/lib/m000/@v/v1.0.1.mod": net/http: TLS handshake timeout', 'tls-handshake-timeout'],
  ['go: gomod.example/lib/m000@v1.0.1: Get "https://proxy.golang.org/gomod.example/lib/m000/@v/v1.0.1.mod": Forbidden', 'proxy-denied'],
  ['go: gomod.example/lib/m000@v1.0.1: Get "https://proxy.golang.org/gomod.example/lib/m000/@v/v1.0.1.mod": Proxy Authentication Required', 'proxy-auth'],
  ['go: gomod.example/lib/m000@v1.0.1: reading https://proxy.golang.org/gomod.example/lib/m000/@v/v1.0.1.mod: 500 Internal Server Error\n\tserver response: internal error', 'http-5xx'],
  ['go: gomod.example/lib/m000@v1.0.1: reading https://proxy.golang.org/gomod.example/lib/m000/@v/v1.0.1.mod: 403 Forbidden\n\tserver response: forbidden: gomod.example/lib/m000/@v/v1.0.1.mod', 'http-403'],
  ['go: gomod.example/lib/m000@v1.0.1: reading https://proxy.golang.org/gomod.example/lib/m000/@v/v1.0.1.mod: 429 Too Many Requests\n\tserver response: too many requests', 'http-429'],
  ['gomod.example/lib/m000@v1.0.1: read "https://proxy.golang.org/gomod.example/lib/m000/@v/v1.0.1.zip": stream error: stream ID 19; INTERNAL_ERROR; received from peer', 'http2-stream-error'],
  // go get -u of a project whose newest dependencies need a newer Go than the one under test
  ['go: github.com/gin-contrib/sse@v1.2.1 requires go >= 1.26.10 (running go 1.26.8; GOTOOLCHAIN=local)', 'toolchain-required'],
  // the checksum database (goSum: 'none'), blocked, failing or lying
  ['go: gomod.example/lib/m000@v1.0.1: verifying go.mod: gomod.example/lib/m000@v1.0.1/go.mod: Get "https://sum.golang.org/lookup/gomod.example/lib/m000@v1.0.1": read tcp [::1]:55240->[::1]:443: read: connection reset by peer', 'sumdb-unreachable'],
  ['go: gomod.example/lib/m000@v1.0.1: verifying go.mod: gomod.example/lib/m000@v1.0.1/go.mod: Get "https://sum.golang.org/lookup/gomod.example/lib/m000@v1.0.1": dial tcp: lookup sum.golang.org on 127.0.0.53:53: no such host', 'sumdb-unreachable'],
  ['go: gomod.example/lib/m000@v1.0.1: verifying go.mod: gomod.example/lib/m000@v1.0.1/go.mod: Get "https://sum.golang.org/lookup/gomod.example/lib/m000@v1.0.1": net/http: TLS handshake timeout', 'sumdb-unreachable'],
  ['go: gomod.example/lib/m000@v1.0.1: verifying go.mod: gomod.example/lib/m000@v1.0.1/go.mod: reading https://sum.golang.org/lookup/gomod.example/lib/m000@v1.0.1: 502 Bad Gateway\n\tserver response: bad gateway', 'sumdb-unreachable'],
  ['go: gomod.example/lib/m000@v1.0.1: verifying go.mod: gomod.example/lib/m000@v1.0.1/go.mod: reading https://proxy.golang.org/sumdb/sum.golang.org/lookup/gomod.example/lib/m000@v1.0.1: 502 Bad Gateway\n\tserver response: bad gateway', 'sumdb-unreachable'],
  ['go: gomod.example/lib/m000@v1.0.1: verifying go.mod: gomod.example/lib/m000@v1.0.1/go.mod: reading https://proxy.golang.org/sumdb/sum.golang.org/supported: 500 Internal Server Error\n\tserver response: internal error', 'sumdb-unreachable'],
  // the corporate proxy refuses the CONNECT to the database: the proxy's class, more precise
  ['go: gomod.example/lib/m000@v1.0.1: verifying go.mod: gomod.example/lib/m000@v1.0.1/go.mod: Get "https://sum.golang.org/lookup/gomod.example/lib/m000@v1.0.1": Forbidden', 'proxy-denied'],
  [
    "gomod.example/lib/m000@v1.0.1: verifying module: checksum mismatch\n\tdownloaded: h1:/WOZXP/bGo/dIKmt23zXtqzU5ww/TkHpQhVPCZ9BQwQ=\n\tsum.golang.org: h1:xIiSL+lS1ikkHKt7dZFkWA6jxdOqMGIg/ksUseFeg2g=\n\nSECURITY ERROR\nThis download does NOT match the one reported by the checksum server.\nThe bits may have been replaced on the origin server, or an attacker may\nhave intercepted the download attempt.\n\nFor more information, see 'go help module-auth'.",
    'checksum-mismatch',
  ],
  [
    "go: gomod.example/lib/m003@v1.0.0: verifying go.mod: checksum mismatch\n\tdownloaded: h1:QcjyM9dml5Un+RKYfq5JaOC7Uk/8Mygrpm8pCl6G720=\n\tsum.golang.org: h1:8mb0E8eJwpPssEHsb+y2A9YZNmCYiVOGAgwLaI1QahA=\n\nSECURITY ERROR\nThis download does NOT match the one reported by the checksum server.",
    'checksum-mismatch',
  ],
  [
    'SECURITY ERROR\ngo.sum database server misbehavior detected!\n\nold database:\n\tgo.sum database tree\n\t4\n\tMZfymsWAaZVjcBWvNMXfe1V7YWJbNX8BthztmZPAf/0=\n\t\n\t— sum.golang.org 3c70Nl9bat8d3T1gJqswDmXD37xAWpBF9LZAkkqmD1Wf/+tD2YCdEjowdqprJMLEHbKjgddIMFwa2gljSvorR5IhogM=\n\t\nnew database:\n\tgo.sum database tree\n\t5\n\tqBYbY9Sm7LX74P9nJ3Oe36XL8IOlRgwJ0G2P/A0hWWc=\n\t\n\t— sum.golang.org 3c70NlJEO4ojsRa9KrWulnZwkUL4kROxLqdwdgPwRTET39vaAxFM3Akz8cPAdlAkV6vZ5ueDpdj3KSGh67+XlV1Bhw8=\n\t\nproof of misbehavior:\n\tO5nOVzYOrm4gb6zXT+hn0u+h49Sn85k3MwApvADBo5Q=\n\tXnDXtE1rt7b8B2PCBVl4UFxyAmfeWTQiUcgAe8EFJ8M=',
    'sumdb-misbehavior',
  ],
  // direct fetches (GOPROXY=direct, GOPRIVATE): go's own refusal, and git's libcurl messages
  ['go: gomod.example/Corp/m000@v1.0.2: module lookup disabled by GOPROXY=off', 'goproxy-off'],
  [
    "go: gomod.example/Corp/m000@v1.0.2: reading gomod.example/Corp/m000/go.mod at revision v1.0.2: git ls-remote -q --end-of-options https://git.corp.example/Corp/m000.git in /tmp/gomod-chaos-run-31792-ZdmtJo/trial-0/gopath/pkg/mod/cache/vcs/01f01a35: exit status 128:\n\tfatal: unable to access 'https://git.corp.example/Corp/m000.git/': Recv failure: Connection reset by peer",
    'git-reset',
  ],
  // git 2.39 (Debian, libcurl-gnutls) run by hand
  ["\tfatal: unable to access 'https://git.corp.example/x.git/': Failed to connect to git.corp.example port 443 after 0 ms: Couldn't connect to server", 'git-tcp-refused'],
  ["\tfatal: unable to access 'https://git.corp.example:18443/x.git/': server certificate verification failed. CAfile: /etc/ssl/certs/ca-certificates.crt CRLfile: none", 'git-tls-untrusted'],
  // GOVCS=public:off after a proxy 404, and GOPRIVATE under TLS inspection (vcs-govcs.ts, vcs-inspect.ts)
  ['go: gomod.example/Corp/m000@v1.0.2: unrecognized import path "gomod.example/Corp/m000": GOVCS disallows using git for public gomod.example/Corp/m000; see \'go help vcs\'', 'vcs-disallowed'],
  [
    'go: gomod.example/Corp/m000@v1.0.2: unrecognized import path "gomod.example/Corp/m000": https fetch: Get "https://gomod.example/Corp/m000?go-get=1": tls: failed to verify certificate: x509: certificate signed by unknown authority',
    'tls-untrusted',
  ],
];

describe('failure classes from go stderr', () => {
  it.each(CAPTURED)('%#: classifies as expected', (stderr, expected) => {
    expect(classifyFailure(stderr)).toBe(expected);
  });

  it('says unknown rather than guessing', () => {
    expect(classifyFailure('go: something entirely new happened')).toBe('unknown');
  });
});
