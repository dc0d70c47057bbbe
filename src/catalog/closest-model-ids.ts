/**
 * The known model ids nearest to an unknown one, for the 404 message: ids that contain it (or it them) first, then
 * by edit distance, at most `limit`.
 */
export function closestModelIds(wanted: string, known: Iterable<string>, limit = 3): string[] {
  const target = wanted.toLowerCase();
  const scored: Array<{ id: string; score: number }> = [];
  for (const id of known) {
    const candidate = id.toLowerCase();
    const contains = candidate.includes(target) || target.includes(candidate);
    const distance = editDistance(target, candidate);
    if (!contains && distance > Math.max(3, Math.floor(target.length / 2))) continue;
    scored.push({ id, score: contains ? distance - 1000 : distance });
  }
  scored.sort((left, right) => left.score - right.score || left.id.localeCompare(right.id));
  return scored.slice(0, limit).map((entry) => entry.id);
}

/** Levenshtein distance with one reused row. */
export function editDistance(left: string, right: string): number {
  if (left === right) return 0;
  const row = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= right.length; j++) {
      const above = row[j] as number;
      const cost = left[i - 1] === right[j - 1] ? 0 : 1;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return row[right.length] as number;
}
