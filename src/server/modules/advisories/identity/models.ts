/**
 * Model numbers as CSAF 2.0 gives them (product_identification_helper.model_numbers,
 * §3.1.3.3.3): a full or partial model number that begins with the first character of the
 * model number and may stop at any point; `?` stands for one character and `*` for zero or
 * more. Both sides are compared by a key: NFKC, uppercase, and without whitespace, `-` and
 * `_` (so "MMT-503", "mmt 503" and "MMT503" are one model).
 */

/** The match key of a model number (rules above). */
export function modelKey(model: string): string {
  return model
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s_-]+/g, '');
}

/**
 * Whether an inventory model number is covered by an advisory's (possibly partial) one.
 * The pattern is read as if it ended in `*` (a prefix); the classic two-pointer wildcard
 * match keeps this linear in practice and free of regular-expression backtracking.
 */
export function modelMatches(pattern: string, model: string): boolean {
  const wanted = [...`${modelKey(pattern)}*`];
  const actual = [...modelKey(model)];
  if (wanted.length === 1 || actual.length === 0) return false;
  let p = 0;
  let m = 0;
  let star = -1;
  let resume = 0;
  while (m < actual.length) {
    if (p < wanted.length && (wanted[p] === '?' || wanted[p] === actual[m])) {
      p++;
      m++;
    } else if (p < wanted.length && wanted[p] === '*') {
      star = p++;
      resume = m;
    } else if (star >= 0) {
      p = star + 1;
      m = ++resume;
    } else return false;
  }
  while (p < wanted.length && wanted[p] === '*') p++;
  return p === wanted.length;
}
