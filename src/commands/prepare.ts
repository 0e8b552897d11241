import { findGo, inspectGo, type GoToolchain } from '../client/toolchain.ts';
import { HarnessError } from '../errors.ts';
import { progress } from '../log.ts';
import { ensureRelay } from '../firewall/relay.ts';
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
  // not fatal: without it the firewall relays in node
  ensureRelay(go.binary, progress);
  return { go, toxiproxyBinary: toxiproxy.path };
}
