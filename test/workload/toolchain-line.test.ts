import { describe, expect, it } from 'vitest';
import { compareGoVersions, goLineIsNewer, requiredToolchain, toolchainModuleVersion } from '../../src/workload/toolchain-line.ts';

describe('the toolchain a go.mod switches to (cmd/go/internal/toolchain/select.go)', () => {
  it('orders versions as gover does: language < rc < release, numbers compared as numbers', () => {
    const ordered = ['1.9', '1.10', '1.26.8', '1.27', '1.27beta1', '1.27rc1', '1.27rc2', '1.27.0', '1.27.4', '1.27.10'];
    for (let i = 1; i < ordered.length; i++) expect(compareGoVersions(ordered[i - 1]!, ordered[i]!), `${ordered[i - 1]} < ${ordered[i]}`).toBe(-1);
    expect(compareGoVersions('1.27.4', '1.27.4')).toBe(0);
  });

  it('the go line when newer than the go in use (a language version means its .0 release), else the toolchain line, else nothing', () => {
    const local = 'go1.26.8';
    expect(requiredToolchain('module x\n\ngo 1.27.4\n', local)).toBe('go1.27.4');
    expect(requiredToolchain('module x\n\ngo 1.27 // the newest language\n', local)).toBe('go1.27.0');
    expect(requiredToolchain('module x\ngo 1.27rc1\n', local)).toBe('go1.27rc1');
    expect(requiredToolchain('module x\ngo 1.21\ntoolchain go1.27.4\n', local)).toBe('go1.27.4');
    expect(requiredToolchain('module x\ngo 1.28.1\ntoolchain go1.27.4\n', local)).toBe('go1.28.1');
    expect(requiredToolchain('module x\ngo 1.27.0\ntoolchain go1.27.4\n', local)).toBe('go1.27.4');
    for (const goMod of ['module x\ngo 1.26.8\n', 'module x\ngo 1.21\n', 'module x\ngo 1.21\ntoolchain default\n', 'module x\ngo 1.25.0\ntoolchain go1.26.2\n', 'module x\n']) {
      expect(requiredToolchain(goMod, local), goMod).toBeUndefined();
    }
    // only a newer go line keeps the go in use from reading go.mod (the snapshot then resolves with the new toolchain)
    expect(goLineIsNewer('module x\ngo 1.27.4\n', local)).toBe(true);
    expect(goLineIsNewer('module x\ngo 1.21\ntoolchain go1.27.4\n', local)).toBe(false);
    expect(toolchainModuleVersion('go1.27.4', 'linux', 'amd64')).toBe('v0.0.1-go1.27.4.linux-amd64');
  });
});
