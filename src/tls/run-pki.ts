import type { RunPki } from '../topology/fake-internet.ts';
import { createCertificateAuthority } from './ca.ts';

/** A fresh CA for the run and a certificate for each public name (made before the sandbox starts). */
export async function createRunPki(hostNames: readonly string[]): Promise<RunPki> {
  const ca = await createCertificateAuthority();
  const hostCertificates: RunPki['hostCertificates'] = {};
  for (const name of hostNames) hostCertificates[name] = await ca.issue([name]);
  return { caCertPem: ca.certPem, hostCertificates };
}
