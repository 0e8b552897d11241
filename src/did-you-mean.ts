import { distance } from 'fastest-levenshtein';

/** The known name closest to a mistyped one, when it is close enough to be the likely intent. */
function closestName(given: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const d = distance(given.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  // at most a third of the name wrong (2 edits for short names): "htp2-off", "rnu" yes; "foo" no
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) && bestDistance < best.length ? best : undefined;
}

/** " (did you mean "x"?)" or nothing. */
export function didYouMean(given: string, known: readonly string[]): string {
  const name = closestName(given, known);
  return name ? ` (did you mean ${JSON.stringify(name)}?)` : '';
}
