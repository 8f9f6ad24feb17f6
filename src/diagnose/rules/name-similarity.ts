/**
 * Near-identical names: the typo a person makes when referencing a ConfigMap, a Secret or a key
 * (`app-confg`, `app_config`, `App-Config`).
 */

/** Optimal-string-alignment Damerau–Levenshtein distance: edits, with a swap of neighbours as one. */
export function damerauLevenshtein(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const distance: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => distance[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      distance[i]![j] = best;
    }
  }
  return at(rows - 1, cols - 1);
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_.]/g, '');
}

/** Same name after normalising separators and case, or at most two edits apart. */
export function isNearName(wanted: string, candidate: string, maxDistance = 2): boolean {
  if (wanted === candidate) return false;
  if (normalize(wanted) === normalize(candidate)) return true;
  // Two edits in a three-letter name is a different name, not a typo.
  const allowed = Math.min(maxDistance, Math.floor(Math.min(wanted.length, candidate.length) / 3));
  return damerauLevenshtein(wanted, candidate) <= allowed;
}

/**
 * The single near-identical candidate, or null when there is none or several (ambiguous): a
 * reference fix is only safe when exactly one name could have been meant.
 */
export function uniqueNearName(wanted: string, candidates: Iterable<string>): string | null {
  const matches = [...new Set(candidates)].filter((candidate) => isNearName(wanted, candidate));
  return matches.length === 1 ? matches[0]! : null;
}
