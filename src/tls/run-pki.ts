import type { RunPki } from '../topology/fake-internet.ts';
import { createCertificateAuthority, type CertificateAuthority } from './ca.ts';

async function certificatesFor(ca: CertificateAuthority, hostNames: readonly string[]): Promise<RunPki['hostCertificates']> {
  const out: RunPki['hostCertificates'] = {};
  for (const name of hostNames) out[name] = await ca.issue([name]);
  return out;
}

/**
 * The run's PKI, made before the sandbox starts: the harness CA the client trusts, with a
 * certificate per public name, and a corporate inspection CA (for tls-mitm) that it does not.
 */
export async function createRunPki(hostNames: readonly string[]): Promise<RunPki> {
  const [ca, inspection] = await Promise.all([createCertificateAuthority(), createCertificateAuthority('Corp TLS Inspection CA')]);
  return {
    caCertPem: ca.certPem,
    hostCertificates: await certificatesFor(ca, hostNames),
    inspectionCaCertPem: inspection.certPem,
    inspectionCaKeyPem: inspection.keyPem,
    inspectionCertificates: await certificatesFor(inspection, hostNames),
  };
}
