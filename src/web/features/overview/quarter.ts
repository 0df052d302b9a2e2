/** The quarter that ended last before `now` (UTC), as `2026-Q3`: the report management signs next. */
export function lastEndedQuarter(now: Date): string {
  const q = Math.floor(now.getUTCMonth() / 3);
  return q === 0 ? `${now.getUTCFullYear() - 1}-Q4` : `${now.getUTCFullYear()}-Q${q}`;
}
