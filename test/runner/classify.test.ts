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
];

describe('failure classes from go stderr', () => {
  it.each(CAPTURED)('%#: classifies as expected', (stderr, expected) => {
    expect(classifyFailure(stderr)).toBe(expected);
  });

  it('says unknown rather than guessing', () => {
    expect(classifyFailure('go: something entirely new happened')).toBe('unknown');
  });
});
