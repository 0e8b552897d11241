import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../src/runner/classify.ts';

// stderr lines as the real go 1.26 printed them in runs of this harness.
const CAPTURED: Array<[string, string]> = [
  ['go: gomod.example/Corp/m015@v1.0.0: unrecognized import path "gomod.example/Corp/m015": reading https://gomod.example/Corp/m015?go-get=1: 404 Not Found\n\tserver response: not found: Corp/m015', 'http-404'],
  ['go: gomod.example/lib/m000@v1.0.1: Get "https://proxy.golang.org/gomod.example/lib/m000/@v/v1.0.1.mod": dial tcp: lookup proxy.golang.org on 127.0.0.53:53: no such host', 'dns-nxdomain'],
  ['go: gomod.example/lib/m000@v1.0.1: Get "https://proxy.golang.org/gomod.example/lib/m000/@v/v1.0.1.mod": tls: failed to verify certificate: x509: certificate signed by unknown authority', 'tls-untrusted'],
  ['go: gomod.example/lib/m000@v1.0.1: Get "https://proxy.golang.org/gomod.example/lib/m000/@v/v1.0.1.zip": read tcp 127.0.0.1:41234->127.0.1.1:443: read: connection reset by peer', 'tcp-reset'],
  ['go: gomod.example/lib/m000@v1.0.1: Get "https://proxy.golang.org/x/@v/list": dial tcp 127.0.1.1:443: connect: connection refused', 'tcp-refused'],
];

describe('failure classes from go stderr', () => {
  it.each(CAPTURED)('%#: classifies as expected', (stderr, expected) => {
    expect(classifyFailure(stderr)).toBe(expected);
  });

  it('says unknown rather than guessing', () => {
    expect(classifyFailure('go: something entirely new happened')).toBe('unknown');
  });
});
