import { CORPUS_MODULE_HOST } from '../corpus/generate.ts';
import { findGo, goproxyHosts, gosumdbHost, inspectGo, type GoToolchain } from '../client/toolchain.ts';
import { HarnessError } from '../errors.ts';
import { progress } from '../log.ts';
import { probeNamespaces } from '../sandbox/netns.ts';
import type { PublicHost } from '../topology/fake-internet.ts';
import { installToxiproxy, locateToxiproxy, TOXIPROXY_ENV } from '../wan/toxiproxy-binary.ts';


export interface Prerequisites {
  go: GoToolchain;
  toxiproxyBinary: string;
}

/** Everything a run needs before the sandbox starts; each missing piece is one clear error. */
export function checkPrerequisites(options: { installMissing: boolean }): Prerequisites {
  const go = inspectGo(findGo());
  let toxiproxy = locateToxiproxy();
  if (!toxiproxy) {
    if (!options.installMissing || process.env[TOXIPROXY_ENV]) {
      throw new HarnessError('TOXIPROXY_MISSING', 'toxiproxy-server not found: run `npx gomod-chaos setup` (builds it with go install), or put toxiproxy-server on PATH');
    }
    toxiproxy = installToxiproxy(go.binary, progress);
  }
  const sandbox = probeNamespaces();
  if (!sandbox.ok) {
    throw new HarnessError('SANDBOX_UNAVAILABLE', `cannot create the run's namespaces (${sandbox.detail}): run as root, or enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1); see npx gomod-chaos doctor`);
  }
  return { go, toxiproxyBinary: toxiproxy.path };
}

/**
 * The public names of the fake internet: the hosts of the toolchain's own default GOPROXY and
 * GOSUMDB (read from `go env`, never hard-coded), the scenario's mirrors and the corpus's module host.
 * The default proxies proxy the checksum database, as the Go project's public mirror does: it
 * answers /sumdb/<name>/supported with 200, so by default go reads the database through it and
 * never contacts the database's own host (the sumdb design, golang.org/design/25530-sumdb, lets
 * a proxy answer 404/410 there instead, sending clients to the database directly). The
 * scenario's mirrors proxy it only when listed in `sumdbMirrors`.
 */
export function publicHosts(go: GoToolchain, mirrors: readonly string[] = [], sumdbMirrors: readonly string[] = []): PublicHost[] {
  const hosts = new Map<string, PublicHost>();
  for (const name of mirrors) hosts.set(name, { name, role: 'goproxy', proxiesSumdb: sumdbMirrors.includes(name) });
  for (const name of goproxyHosts(go.defaultGoproxy)) hosts.set(name, { name, role: 'goproxy', proxiesSumdb: true });
  const sumdb = gosumdbHost(go.defaultGosumdb);
  if (sumdb && !hosts.has(sumdb)) hosts.set(sumdb, { name: sumdb, role: 'sumdb' });
  hosts.set(CORPUS_MODULE_HOST, { name: CORPUS_MODULE_HOST, role: 'vcs' });
  if (![...hosts.values()].some((h) => h.role === 'goproxy')) {
    throw new HarnessError('GO_MISSING', `the toolchain's default GOPROXY (${JSON.stringify(go.defaultGoproxy)}) names no https proxy: this harness needs a toolchain whose go.env sets one`);
  }
  return [...hosts.values()];
}
