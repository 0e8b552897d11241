/**
 * The toolchain a go.mod makes go switch to, decided as cmd/go decides it under GOTOOLCHAIN=auto
 * (cmd/go/internal/toolchain/select.go): its `toolchain` line when newer than the go in use, and
 * its `go` line when newer still (a language version such as "1.27" means its first release,
 * go1.27.0). Versions compare as cmd/go/internal/gover does: 1.27 < 1.27rc1 < 1.27.0 < 1.27.4.
 */

const GO_VERSION = /^(\d+)\.(\d+)(?:\.(\d+)|(alpha|beta|rc)(\d+))?$/;
const KIND_RANK: Record<string, number> = { lang: 0, alpha: 1, beta: 2, rc: 3, release: 4 };

/** [major, minor, kind, number]; undefined for what is not a go version ("devel ...", "default"). */
function parseGoVersion(version: string): [number, number, number, number] | undefined {
  const m = GO_VERSION.exec(version);
  if (!m) return undefined;
  const kind = m[3] !== undefined ? 'release' : (m[4] ?? 'lang');
  return [Number(m[1]), Number(m[2]), KIND_RANK[kind]!, Number(m[3] ?? m[5] ?? 0)];
}

/** gover.Compare for valid versions ("1.26.8", "1.27", "1.27rc1"); an invalid one is the oldest. */
export function compareGoVersions(a: string, b: string): number {
  const pa = parseGoVersion(a);
  const pb = parseGoVersion(b);
  if (!pa || !pb) return pa ? 1 : pb ? -1 : 0;
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i]! < pb[i]! ? -1 : 1;
  return 0;
}

/** The version of a toolchain name: "go1.27.4" and "go1.27.4-custom" are 1.27.4 (gover.FromToolchain). */
function fromToolchain(name: string): string | undefined {
  const m = /^go(\d[^-\s]*)(?:-.*)?$/.exec(name);
  return m && parseGoVersion(m[1]!) ? m[1] : undefined;
}

/** The `go` and `toolchain` lines of a go.mod (comments stripped). */
function goModLines(goMod: string): { go?: string; toolchain?: string } {
  const out: { go?: string; toolchain?: string } = {};
  for (const raw of goMod.split('\n')) {
    const [directive, value] = raw.replace(/\/\/.*$/, '').trim().split(/\s+/);
    if ((directive === 'go' || directive === 'toolchain') && value) out[directive] = value;
  }
  return out;
}

/**
 * The toolchain go switches to for this go.mod when the go in use is `localGoVersion`
 * ("go1.26.8"), e.g. "go1.27.4"; undefined when the local go is new enough.
 */
export function requiredToolchain(goMod: string, localGoVersion: string): string | undefined {
  const lines = goModLines(goMod);
  let minVersion = localGoVersion.replace(/^go/, '').split(/[\s-]/)[0] ?? '';
  let chosen: string | undefined;
  const toolchainVersion = lines.toolchain ? fromToolchain(lines.toolchain) : undefined;
  if (lines.toolchain && toolchainVersion && compareGoVersions(toolchainVersion, minVersion) > 0) {
    chosen = lines.toolchain;
    minVersion = toolchainVersion;
  }
  if (lines.go && parseGoVersion(lines.go) && compareGoVersions(lines.go, minVersion) > 0) {
    // a language version names its first release (golang.org/issue/62278), from 1.21 on
    const isLang = parseGoVersion(lines.go)![2] === KIND_RANK['lang'];
    chosen = `go${lines.go}${isLang && compareGoVersions(lines.go, '1.21') >= 0 ? '.0' : ''}`;
  }
  return chosen;
}

/** Whether the go.mod's `go` line is newer than the go in use (which then cannot even read it under GOTOOLCHAIN=local). */
export function goLineIsNewer(goMod: string, localGoVersion: string): boolean {
  const { go } = goModLines(goMod);
  return go !== undefined && parseGoVersion(go) !== undefined && compareGoVersions(go, localGoVersion.replace(/^go/, '').split(/[\s-]/)[0] ?? '') > 0;
}

/** The golang.org/toolchain module version of a toolchain for a platform: v0.0.1-go1.27.4.linux-amd64. */
export function toolchainModuleVersion(toolchain: string, goos: string, goarch: string): string {
  return `v0.0.1-${toolchain}.${goos}-${goarch}`;
}
