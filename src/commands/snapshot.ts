import { existsSync, statSync } from 'node:fs';
import { findGo } from '../client/toolchain.ts';
import { HarnessError } from '../errors.ts';
import { progress } from '../log.ts';
import { cacheDir } from '../paths.ts';
import { ensureSnapshot, snapshotSummary } from '../project/snapshot.ts';
import type { Corpus } from '../corpus/generate.ts';

/** A project's snapshot: made once through the user's own GOPROXY, then reused (offline too). */
export async function projectSnapshot(projectDir: string): Promise<Corpus> {
  if (!existsSync(projectDir) || !statSync(projectDir).isDirectory()) {
    throw new HarnessError('BAD_INPUT', `project ${projectDir}: not a directory (give the folder holding the project's go.mod)`);
  }
  return ensureSnapshot(projectDir, { cacheDir: cacheDir(), goBinary: findGo(), log: progress });
}

/** `gomod-chaos snapshot <project dir>`: prints "N modules, M MB". */
export async function snapshotCommand(projectDir: string): Promise<string> {
  const corpus = await projectSnapshot(projectDir);
  return `${snapshotSummary(corpus)}\n`;
}
