/**
 * The known name closest to a misspelt one, for "did you mean" hints: the smallest
 * optimal-string-alignment distance (insertions, deletions, substitutions and swaps of two
 * neighbours), case-insensitive, accepted when it is at most a third of the longer name
 * (at least 1, at most 3), or when one name starts with the other (which also wins a tie).
 */
export function closestName(input: string, candidates: Iterable<string>): string | undefined {
  const needle = input.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const hay = candidate.toLowerCase();
    const distance = editDistance(needle, hay);
    const allowed = Math.min(3, Math.max(1, Math.floor(Math.max(needle.length, hay.length) / 3)));
    const prefix = needle.length >= 3 && (hay.startsWith(needle) || needle.startsWith(hay));
    // On a tie, a name the input begins (h10 → h100) beats a same-length neighbour (a10).
    const score = distance - (prefix ? 0.5 : 0);
    if ((distance <= allowed || prefix) && (best === undefined || score < best.distance)) {
      best = { name: candidate, distance: score };
    }
  }
  return best?.name;
}

/** A hint that names the closest known name, or lists them when none is close. */
export function didYouMean(input: string, candidates: readonly string[], listed = 12): string {
  const close = closestName(input, candidates);
  if (close !== undefined) return `Did you mean "${close}"?`;
  const shown = candidates.slice(0, listed).join(", ");
  return `Known: ${shown}${candidates.length > listed ? `, ... (${candidates.length} in all)` : ""}.`;
}

/** Optimal string alignment distance (Damerau–Levenshtein without repeated edits of a substring). */
function editDistance(a: string, b: string): number {
  // Long inputs cannot be close to a short name; bail out before the quadratic table.
  if (Math.abs(a.length - b.length) > 3 || a.length > 64 || b.length > 64) {
    return Math.max(a.length, b.length);
  }
  const rows = a.length + 1;
  const columns = b.length + 1;
  const table = new Array<number>(rows * columns).fill(0);
  const at = (i: number, j: number): number => table[i * columns + j] ?? 0;
  for (let i = 0; i < rows; i += 1) table[i * columns] = i;
  for (let j = 0; j < columns; j += 1) table[j] = j;
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < columns; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, at(i - 2, j - 2) + 1);
      }
      table[i * columns + j] = value;
    }
  }
  return at(a.length, b.length);
}
