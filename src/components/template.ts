import { HarnessError } from '../errors.ts';

/**
 * The values a component's config template and command can use, as `{{name}}`. Documented in the
 * README ("Real network software"); every value is plain text of the run.
 */
export interface TemplateContext {
  /** The rendered config file. */
  config: string;
  /** The component's own directory (cache, pid and log files); kept between phases. */
  dir: string;
  /** A file in `dir` every user may write: lines written there go into the trial's record. */
  log: string;
  listenAddress: string;
  listenPort: number;
  /** The run's fake DNS resolver. */
  dnsAddress: string;
  dnsPort: number;
  /** Where every public name of the fake internet resolves: the network edge (SNI firewall). */
  edgeAddress: string;
  edgePort: number;
  /** The toolchain's default GOPROXY's first https URL, and its host. */
  goproxyUrl: string;
  /** The Go project's hosts (the toolchain's default GOPROXY and GOSUMDB hosts). */
  goHosts: string[];
  gosumdbHost: string;
  /** The harness CA (what the public hosts' certificates chain to). */
  caCert: string;
  /** The corporate inspection CA: certificate, key, and both in one file. */
  inspectionCert: string;
  inspectionKey: string;
  inspectionBundle: string;
}

/** Template variable names and their values. */
export function templateVariables(c: TemplateContext): Record<string, string> {
  const goproxyHost = new URL(c.goproxyUrl).hostname;
  return {
    config: c.config,
    dir: c.dir,
    log: c.log,
    'listen.address': c.listenAddress,
    'listen.port': String(c.listenPort),
    dns: c.dnsAddress,
    'dns.port': String(c.dnsPort),
    edge: c.edgeAddress,
    'edge.port': String(c.edgePort),
    'upstream.goproxy': c.goproxyUrl,
    'upstream.goproxy.host': goproxyHost,
    'upstream.sumdb.host': c.gosumdbHost,
    'go.hosts': c.goHosts.join(' '),
    // haproxy and nginx want one name per line or a regex
    'go.hosts.regex': c.goHosts.map((h) => h.replace(/\./g, '\\.')).join('|'),
    'ca.cert': c.caCert,
    'inspection.cert': c.inspectionCert,
    'inspection.key': c.inspectionKey,
    'inspection.bundle': c.inspectionBundle,
  };
}

/** Fills `{{name}}` (spaces allowed inside the braces); an unknown name is the user's error, named. */
export function renderTemplate(text: string, variables: Readonly<Record<string, string>>, source: string): string {
  return text.replace(/\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g, (_, name: string) => {
    const value = variables[name];
    if (value === undefined) {
      throw new HarnessError('SCENARIO_INVALID', `${source}: unknown template variable {{${name}}}; allowed: ${Object.keys(variables).map((k) => `{{${k}}}`).join(', ')}`);
    }
    return value;
  });
}
