import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../errors.ts';
import { processAlive } from '../sandbox/scratch.ts';

const LOCK_FILE = '.gomod-chaos.lock';

/**
 * A run's claim on its --out folder: a file made with O_EXCL holding the owner's pid. A second
 * run on the same folder is refused while the owner lives; a lock left by a killed run (its pid
 * is gone) is taken over. Returns the release function.
 */
export function lockOutDir(outDir: string): () => void {
  const file = join(outDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        rmSync(file, { force: true });
      };
      process.on('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(file, 'utf8').trim());
      if (owner && owner !== process.pid && processAlive(owner)) {
        throw new HarnessError('BAD_INPUT', `--out ${outDir} is in use by another run (pid ${owner}): wait for it to finish, or choose another --out`);
      }
      rmSync(file, { force: true }); // its owner is gone: a killed run's leftover
    }
  }
  throw new HarnessError('BAD_INPUT', `--out ${outDir}: could not take the run lock ${file}`);
}
