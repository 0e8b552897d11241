const compiled = new Map<string, RegExp>();

function regexOf(glob: string, ignoreCase: boolean): RegExp {
  const key = `${ignoreCase ? 'i' : 's'}:${glob}`;
  let regex = compiled.get(key);
  if (!regex) {
    const source = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
    regex = new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
    compiled.set(key, regex);
  }
  return regex;
}

/**
 * The one glob of every fault: exact, or with '*' matching any run of characters ('/' and '.'
 * included). Host names compare without case; paths and module paths with it.
 */
export function globMatches(glob: string, text: string, options: { ignoreCase?: boolean } = {}): boolean {
  const ignoreCase = options.ignoreCase ?? false;
  if (!glob.includes('*')) return ignoreCase ? glob.toLowerCase() === text.toLowerCase() : glob === text;
  return regexOf(glob, ignoreCase).test(text);
}
