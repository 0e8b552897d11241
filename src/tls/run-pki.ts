import { createCertificateAuthority, type CertificateAuthority, type KeyPairPem } from './ca.ts';

/** The run's PKI, made outside the sandbox (see createRunPki below). */
export interface RunPki {
  caCertPem: string;
  hostCertificates: Record<string, KeyPairPem>;
  /** The corporate inspection CA (tls-mitm): not trusted by the client unless a mitigation says so. */
  inspectionCaCertPem: string;
  /** Its key, for real proxies that sign certificates on the fly (squid's ssl_bump). */
  inspectionCaKeyPem?: string;
  inspectionCertificates: Record<string, KeyPairPem>;
}

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
