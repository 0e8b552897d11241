/**
 * Module path and version escaping of the GOPROXY protocol: every upper-case letter becomes
 * '!' followed by its lower-case form (golang.org/x/mod/module.EscapePath).
 */
export function escapeModulePath(path: string): string {
  return path.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

export function unescapeModulePath(escaped: string): string | undefined {
  if (/[A-Z]/.test(escaped)) return undefined;
  let bad = false;
  const out = escaped.replace(/!(.?)/g, (_m, c: string) => {
    if (!/^[a-z]$/.test(c)) bad = true;
    return c.toUpperCase();
  });
  return bad ? undefined : out;
}
