import { describe, expect, it } from 'vitest';
import { clientDirs, clientEnvironment } from '../../src/client/environment.ts';

describe("git's trust follows go's", () => {
  const dirs = clientDirs('/trial');
  it('git trusts the run CA by default, and the inspection CA too when a mitigation makes go trust it', () => {
    expect(clientEnvironment('/go/bin/go', dirs, '/run/ca.pem', {})).toMatchObject({ SSL_CERT_FILE: '/run/ca.pem', GIT_SSL_CAINFO: '/run/ca.pem', GIT_CONFIG_NOSYSTEM: '1' });
    expect(clientEnvironment('/go/bin/go', dirs, '/run/ca.pem', { SSL_CERT_FILE: '/run/both.pem' })).toMatchObject({ GIT_SSL_CAINFO: '/run/both.pem' });
  });
});
