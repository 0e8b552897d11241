export interface DownloadedModule {
  Path?: string;
  Version?: string;
  Error?: string;
  Zip?: string;
  Sum?: string;
  GoModSum?: string;
}

/** `go mod download -json` prints one JSON object per module, one after another. */
export function parseDownloadJson(stdout: string): DownloadedModule[] {
  const out: DownloadedModule[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < stdout.length; i++) {
    const c = stdout[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' && depth > 0) {
      depth--;
      if (depth === 0 && start >= 0) {
        try {
          out.push(JSON.parse(stdout.slice(start, i + 1)) as DownloadedModule);
        } catch {
          // a torn object (process killed mid-write): skip it
        }
        start = -1;
      }
    }
  }
  return out;
}
