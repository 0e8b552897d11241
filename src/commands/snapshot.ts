import { existsSync, statSync } from 'node:fs';
import { findGo } from '../client/toolchain.ts';
import { HarnessError } from '../errors.ts';
import { progress } from '../log.ts';
import { cacheDir } from '../paths.ts';
import { ensureSnapshot, snapshotSummary, type WorkloadNeeds } from '../project/snapshot.ts';
import type { Corpus } from '../corpus/generate.ts';
import type { Workload } from '../workload/schema.ts';

/** What a scenario's workload needs in its project's snapshot besides the module graph. */
export function snapshotNeeds(scenario: { workload: Workload; install?: string | undefined }): WorkloadNeeds {
  return { getU: scenario.workload === 'get-u', install: scenario.workload === 'install' ? scenario.install : undefined };
}

/** A project's snapshot: made once through the user's own GOPROXY, then reused (offline too). */
export async function projectSnapshot(projectDir: string, needs: WorkloadNeeds = {}): Promise<Corpus> {
  if (!existsSync(projectDir) || !statSync(projectDir).isDirectory()) {
    throw new HarnessError('BAD_INPUT', `project ${projectDir}: not a directory (give the folder holding the project's go.mod)`);
  }
  return ensureSnapshot(projectDir, { cacheDir: cacheDir(), goBinary: findGo(), log: progress, needs });
}

/** `gomod-chaos snapshot <project dir>`: prints "N modules, M MB". */
export async function snapshotCommand(projectDir: string, needs: WorkloadNeeds = {}): Promise<string> {
  const corpus = await projectSnapshot(projectDir, needs);
  return `${snapshotSummary(corpus)}\n`;
}
