import { findGo, inspectGo } from '../client/toolchain.ts';
import { realSoftwareCheck } from '../components/doctor-check.ts';
import { errorMessage } from '../errors.ts';
import { probeNamespaces } from '../sandbox/netns.ts';
import { gitCheck } from '../vcs/doctor-check.ts';
import { locateRelay, RELAY_ENV } from '../firewall/relay.ts';
import { locateToxiproxy, TOXIPROXY_VERSION } from '../wan/toxiproxy-binary.ts';

interface DoctorCheck {
  name: string;
  status: 'ok' | 'missing' | 'warn';
  detail: string;
  fix?: string;
  /** The default (netns) backend cannot run without it. */
  required: boolean;
}

const MIN_NODE = [22, 18] as const;

function runChecks(): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const nodeOk = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  checks.push({
    name: 'node',
    status: nodeOk ? 'ok' : 'missing',
    detail: `${process.version} at ${process.execPath}`,
    ...(nodeOk ? {} : { fix: 'run through npm (npx gomod-chaos, npm start), which uses the Node 24 that npm install puts in node_modules, or install Node >= 22.18' }),
    required: true,
  });

  try {
    const go = inspectGo(findGo());
    const build = go.cgoBuild === undefined ? 'build mode unknown' : go.cgoBuild ? 'cgo build (netdns=cgo can take effect)' : 'static CGO_ENABLED=0 build (pure-Go resolver only; netdns=cgo is a no-op)';
    checks.push({ name: 'go', status: 'ok', detail: `${go.version} at ${go.binary}, ${build}; defaults GOPROXY=${go.defaultGoproxy} GOSUMDB=${go.defaultGosumdb}`, required: true });
  } catch (err) {
    checks.push({ name: 'go', status: 'missing', detail: errorMessage(err), fix: 'install Go and put it on PATH, or set GOMOD_CHAOS_GO', required: true });
  }

  const ns = probeNamespaces();
  checks.push({
    name: 'namespaces',
    status: ns.ok ? 'ok' : 'missing',
    detail: ns.detail,
    ...(ns.ok ? {} : { fix: 'run as root, or allow unprivileged user namespaces: sysctl -w kernel.unprivileged_userns_clone=1 (Debian) / kernel.apparmor_restrict_unprivileged_userns=0 (Ubuntu); needs util-linux (unshare, setpriv) and iproute2 (ip)' }),
    required: true,
  });

  try {
    const tp = locateToxiproxy();
    checks.push(
      tp
        ? { name: 'toxiproxy-server', status: 'ok', detail: `${tp.path} (from ${tp.source})`, required: true }
        : {
            name: 'toxiproxy-server',
            status: 'missing',
            detail: 'not on PATH nor in the harness cache',
            fix: `npx gomod-chaos setup (go install github.com/Shopify/toxiproxy/v2/cmd/server@${TOXIPROXY_VERSION}); run also does it on first use`,
            required: true,
          },
    );
  } catch (err) {
    checks.push({ name: 'toxiproxy-server', status: 'missing', detail: errorMessage(err), fix: 'fix GOMOD_CHAOS_TOXIPROXY or unset it', required: true });
  }

  const relay = locateRelay();
  checks.push(
    relay.path
      ? { name: 'firewall-relay', status: 'ok', detail: `${relay.path} (also the WAN: Toxiproxy ${TOXIPROXY_VERSION} in its process)`, required: false }
      : { name: 'firewall-relay', status: 'warn', detail: `the SNI firewall relays in node and the WAN is toxiproxy-server: ${relay.why}`, fix: process.env[RELAY_ENV] ? `unset ${RELAY_ENV} or point it at the relay binary` : "npx gomod-chaos setup (go build of src/firewall/relay/, Toxiproxy's modules through your GOPROXY); run also does it on first use", required: false },
  );
  return checks;
}

/**
 * The Docker engine, found as the docker backend finds it (testcontainers: DOCKER_HOST, the
 * default socket, Docker Desktop's): only that backend needs one.
 */
async function dockerCheck(): Promise<DoctorCheck> {
  try {
    // loaded here: testcontainers and the engine clients cost every other command ~0.4 s of CPU at start
    const [{ dockerEngine }, { imageSource }] = await Promise.all([import('../sandbox/docker/backend.ts'), import('../sandbox/docker/images.ts')]);
    const client = await dockerEngine();
    const info = client.info.containerRuntime;
    const images = imageSource();
    return { name: 'docker', status: 'ok', detail: `engine ${info.serverVersion} (${info.operatingSystem}, socket ${info.remoteSocketPath}); images from ${images === 'local' ? 'local artifacts (no registry)' : 'official images'}`, required: false };
  } catch (err) {
    return {
      name: 'docker',
      status: 'warn',
      detail: `${errorMessage(err).replace(/^backend docker: /, '').replace(/; start one .*$/, '')} (only --backend docker needs an engine)`,
      fix: 'Debian: apt-get install docker.io && dockerd & (as root); macOS/Windows: start Docker Desktop',
      required: false,
    };
  }
}

/** One line per prerequisite; exit 1 when the default backend cannot run. */
export async function doctor(options: { json?: boolean } = {}): Promise<number> {
  const checks = [...runChecks(), gitCheck(), realSoftwareCheck(), await dockerCheck()];
  const blocking = checks.filter((c) => c.required && c.status !== 'ok');
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ netnsCanRun: blocking.length === 0, checks }, null, 2)}\n`);
    return blocking.length === 0 ? 0 : 1;
  }
  const width = Math.max(...checks.map((c) => c.name.length));
  for (const c of checks) {
    const mark = c.status === 'ok' ? 'ok  ' : c.status === 'warn' ? 'warn' : 'FAIL';
    process.stdout.write(`${mark}  ${c.name.padEnd(width)}  ${c.detail}${c.fix ? `  -> fix: ${c.fix}` : ''}\n`);
  }
  process.stdout.write(blocking.length === 0 ? 'the netns backend can run\n' : `the netns backend cannot run: fix ${blocking.map((c) => c.name).join(', ')}\n`);
  return blocking.length === 0 ? 0 : 1;
}
