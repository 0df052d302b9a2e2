/**
 * A share as a percentage with at most one decimal, cut rather than rounded: 189 of 199 is
 * 94.9 %, never "95 %" beside "not met, 95 % needed". The server words its sentences the same way.
 */
export function percentFormat(locale: string): (share: number) => string {
  const format = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  // The small epsilon keeps a share that is exactly a tenth of a percent (0.95) from falling below.
  return (share) => format.format(Math.floor(share * 1000 + 1e-9) / 1000);
}
