import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where generated corpora and installed tools are kept between runs. */
export function cacheDir(): string {
  const explicit = process.env['GOMOD_CHAOS_CACHE'];
  if (explicit) return explicit;
  const xdg = process.env['XDG_CACHE_HOME'];
  return join(xdg || join(homedir(), '.cache'), 'gomod-chaos');
}
