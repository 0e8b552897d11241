import { goproxyHosts, gosumdbHost, type GoToolchain } from '../client/toolchain.ts';
import { CORPUS_MODULE_HOST } from '../corpus/generate.ts';
import { HarnessError } from '../errors.ts';
import { CORPUS_GIT_HOST } from '../vcs/repos.ts';
import type { PublicHost } from './hosts.ts';

/**
 * The public names of the fake internet: the hosts of the toolchain's own default GOPROXY and
 * GOSUMDB (read from `go env`, never hard-coded), the scenario's mirrors, the corpus's module host and its code host,
 * and the hosts of a project's private repositories (`codeHosts`: the code host answers them too).
 * The default proxies proxy the checksum database, as the Go project's public mirror does: it
 * answers /sumdb/<name>/supported with 200, so by default go reads the database through it and
 * never contacts the database's own host (the sumdb design, golang.org/design/25530-sumdb, lets
 * a proxy answer 404/410 there instead, sending clients to the database directly). The
 * scenario's mirrors proxy it only when listed in `sumdbMirrors`.
 */
export function publicHosts(go: GoToolchain, mirrors: readonly string[] = [], sumdbMirrors: readonly string[] = [], codeHosts: readonly string[] = []): PublicHost[] {
  const hosts = new Map<string, PublicHost>();
  for (const name of mirrors) hosts.set(name, { name, role: 'goproxy', proxiesSumdb: sumdbMirrors.includes(name) });
  for (const name of goproxyHosts(go.defaultGoproxy)) hosts.set(name, { name, role: 'goproxy', proxiesSumdb: true });
  const sumdb = gosumdbHost(go.defaultGosumdb);
  if (sumdb && !hosts.has(sumdb)) hosts.set(sumdb, { name: sumdb, role: 'sumdb' });
  // the module host answers go's `?go-get=1`; its go-import tags send git to the code host
  hosts.set(CORPUS_MODULE_HOST, { name: CORPUS_MODULE_HOST, role: 'vcs' });
  hosts.set(CORPUS_GIT_HOST, { name: CORPUS_GIT_HOST, role: 'vcs' });
  for (const name of codeHosts) if (!hosts.has(name)) hosts.set(name, { name, role: 'vcs' });
  if (![...hosts.values()].some((h) => h.role === 'goproxy')) {
    throw new HarnessError('GO_MISSING', `the toolchain's default GOPROXY (${JSON.stringify(go.defaultGoproxy)}) names no https proxy: this harness needs a toolchain whose go.env sets one`);
  }
  return [...hosts.values()];
}
