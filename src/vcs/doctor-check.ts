import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** `doctor`'s line for git: the code host runs `git http-backend`, go's direct fetches run git. */
export function gitCheck(): { name: string; status: 'ok' | 'warn'; detail: string; fix?: string; required: boolean } {
  try {
    const version = execFileSync('git', ['--version'], { encoding: 'utf8' }).trim();
    const backend = execFileSync('git', ['--exec-path'], { encoding: 'utf8' }).trim() + '/git-http-backend';
    if (existsSync(backend)) return { name: 'git', status: 'ok', detail: `${version}, ${backend} (direct VCS fetches: GOPROXY=direct, GOPRIVATE)`, required: false };
    return { name: 'git', status: 'warn', detail: `${version} without ${backend}`, fix: 'apt-get install -y git', required: false };
  } catch {
    return { name: 'git', status: 'warn', detail: 'not on PATH: direct VCS fetches (GOPROXY=direct, GOPRIVATE) see 404s', fix: 'apt-get install -y git', required: false };
  }
}
