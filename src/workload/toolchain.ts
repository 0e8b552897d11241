import { createHash } from 'node:crypto';
import { zipSync, type Zippable } from 'fflate';
import { hash1, hashGoMod } from '../corpus/dirhash.ts';
import type { Site, SiteResponse } from '../origin/goproxy-site.ts';
import type { SumdbEntry } from '../sumdb/database.ts';
import { toolchainModuleVersion } from './toolchain-line.ts';

/** The Go release the toolchain workload switches to: newer than any real one, so go must download it. */
export const SYNTHETIC_GO = 'go1.99.0';
const MODULE = 'golang.org/toolchain';
/** Bytes of filler in the zip, so the download is measurable (a real toolchain zip is ~70 MB). */
const FILLER_BYTES = 512 * 1024;
const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };

/** The toolchain module version go asks for on this machine: v0.0.1-go1.99.0.linux-amd64. */
function toolchainVersion(goos = process.platform, goarch = GOARCH[process.arch] ?? process.arch): string {
  return toolchainModuleVersion(SYNTHETIC_GO, goos, goarch);
}

export interface SyntheticToolchain {
  /** What the module proxies serve for it (exact request paths). */
  files: ReadonlyMap<string, SiteResponse>;
  /** Its checksum database record (go always checks toolchain modules there, even with GOSUMDB=off). */
  entry: SumdbEntry;
}

/**
 * A small synthetic `golang.org/toolchain` module: go.mod, and a `bin/go` that prints its version
 * (go execs it after the download, with the same arguments), plus filler. Deterministic bytes.
 */
export function syntheticToolchain(version = toolchainVersion()): SyntheticToolchain {
  const prefix = `${MODULE}@${version}/`;
  const goMod = `module ${MODULE}\n`;
  const platform = version.slice(version.lastIndexOf('.') + 1).replace('-', '/');
  // v0.0.1-go1.99.0.linux-amd64: the release it says it is
  const release = version.slice('v0.0.1-'.length, version.lastIndexOf('.'));
  const files: Record<string, Buffer> = {
    'go.mod': Buffer.from(goMod),
    'bin/go': Buffer.from(`#!/bin/sh\necho "go version ${release} ${platform} (gomod-chaos synthetic toolchain)"\n`),
    // go sets the exec bits under pkg/tool, lib, bin/gofmt and bin after the download: each must exist
    'bin/gofmt': Buffer.from('#!/bin/sh\nexit 0\n'),
    VERSION: Buffer.from(`${release}\ntime 2030-01-01T00:00:00Z\n`),
    'lib/README': Buffer.from('gomod-chaos synthetic toolchain\n'),
    [`pkg/tool/${platform.replace('/', '_')}/filler`]: filler(FILLER_BYTES),
  };
  const zippable: Zippable = {};
  for (const [name, content] of Object.entries(files)) zippable[prefix + name] = [content, { level: 0, mtime: new Date('2030-01-01T00:00:00Z') }];
  const zip = Buffer.from(zipSync(zippable));
  const base = `/${MODULE}/@v/${version}`;
  const info = JSON.stringify({ Version: version, Time: '2030-01-01T00:00:00Z' });
  const served = new Map<string, SiteResponse>([
    [`${base}.zip`, { status: 200, contentType: 'application/zip', body: zip }],
    [`${base}.mod`, { status: 200, contentType: 'text/plain; charset=utf-8', body: Buffer.from(goMod) }],
    [`${base}.info`, { status: 200, contentType: 'application/json', body: Buffer.from(info) }],
  ]);
  const sum = hash1(Object.entries(files).map(([name, content]) => ({ name: prefix + name, content })));
  return { files: served, entry: { path: MODULE, version, sum, goModSum: hashGoMod(goMod) } };
}

function filler(bytes: number): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0; blocks.length * 32 < bytes; i++) blocks.push(createHash('sha256').update(`toolchain:${i}`).digest());
  return Buffer.concat(blocks).subarray(0, bytes);
}

/** A module proxy's site that also serves the synthetic toolchain (paths it does not know fall through). */
export function withToolchain(site: Site, toolchain: SyntheticToolchain): Site {
  return (path) => toolchain.files.get(path) ?? site(path);
}
