import { distance } from 'fastest-levenshtein';

/** The known name closest to a mistyped one, when it is close enough to be the likely intent. */
function closestName(given: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const d = distance(given.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  // at most a third of the name wrong ("htp2-off", "clena.ts"), or the same letters swapped ("rnu")
  if (best === undefined) return undefined;
  const sameLetters = [...given.toLowerCase()].sort().join('') === [...best.toLowerCase()].sort().join('');
  return bestDistance <= Math.max(1, Math.floor(best.length / 3)) || sameLetters ? best : undefined;
}

/** " (did you mean "x"?)" or nothing. */
export function didYouMean(given: string, known: readonly string[]): string {
  const name = closestName(given, known);
  return name ? ` (did you mean ${JSON.stringify(name)}?)` : '';
}
