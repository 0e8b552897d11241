import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { goproxyHosts, gosumdbHost } from '../client/toolchain.ts';
import type { TopologyAddresses } from '../topology/addresses.ts';
import type { RunPki } from '../tls/run-pki.ts';
import type { RunTemplateContext } from './set.ts';

export interface RunFacts {
  addresses: TopologyAddresses;
  pki: RunPki;
  /** The harness CA file the run already wrote. */
  caFile: string;
  defaultGoproxy: string;
  defaultGosumdb: string;
}

/** Writes the run's files components read (inspection CA certificate and key) and names every value. */
export async function runTemplateContext(dir: string, facts: RunFacts): Promise<RunTemplateContext> {
  await mkdir(dir, { recursive: true });
  const inspectionCert = join(dir, 'inspection-ca.crt');
  const inspectionKey = join(dir, 'inspection-ca.key');
  const inspectionBundle = join(dir, 'inspection-ca.pem');
  const key = facts.pki.inspectionCaKeyPem ?? '';
  await writeFile(inspectionCert, facts.pki.inspectionCaCertPem);
  await writeFile(inspectionKey, key);
  await writeFile(inspectionBundle, facts.pki.inspectionCaCertPem + key);
  // daemons read them after dropping to their own user
  await Promise.all([inspectionKey, inspectionBundle].map((f) => chmod(f, 0o644)));
  const goproxy = facts.defaultGoproxy.split(/[,|]/).find((e) => e.startsWith('https://')) ?? 'https://proxy.golang.org';
  const sumdbHost = gosumdbHost(facts.defaultGosumdb);
  const a = facts.addresses;
  return {
    dnsAddress: a.resolver,
    dnsPort: a.dnsPort,
    edgeAddress: a.firewall,
    edgePort: a.httpsPort,
    goproxyUrl: goproxy,
    goHosts: [...new Set([...goproxyHosts(facts.defaultGoproxy), ...(sumdbHost ? [sumdbHost] : [])])],
    gosumdbHost: sumdbHost ?? '',
    caCert: facts.caFile,
    inspectionCert,
    inspectionKey,
    inspectionBundle,
  };
}
