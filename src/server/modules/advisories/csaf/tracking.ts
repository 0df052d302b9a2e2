/**
 * Which of two revisions of one advisory is newer, so that an import updates an advisory instead of
 * adding it again. CSAF 2.0 (§3.1.11.1) identifies an advisory by its publisher's namespace and its
 * tracking id, and numbers revisions either with integers ("1", "2") or with semantic versions
 * ("1.0.0", "1.1.0-rc.1"), one scheme per document.
 */

/** The key under which revisions of one advisory are the same advisory. */
export function advisoryKey(a: { publisher: { namespace: string }; trackingId: string }): string {
  return `${a.publisher.namespace}\u0000${a.trackingId}`;
}

const INTEGER = /^(0|[1-9][0-9]*)$/;
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$/;

/** Compares two strings of decimal digits without leading zeros, of any length. */
const compareDigits = (a: string, b: string): number =>
  a.length !== b.length ? Math.sign(a.length - b.length) : a < b ? -1 : a > b ? 1 : 0;

const isDigits = (s: string): boolean => /^\d+$/.test(s);

/** SemVer 2.0.0 §11: pre-release identifiers, dot-separated. */
function comparePrerelease(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1; // a release is newer than any of its pre-releases
  if (b === undefined) return -1;
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const [p, q] = [x[i] as string, y[i] as string];
    if (p === q) continue;
    if (isDigits(p) && isDigits(q)) return compareDigits(p, q);
    if (isDigits(p)) return -1; // numeric identifiers are lower than alphanumeric ones
    if (isDigits(q)) return 1;
    return p < q ? -1 : 1;
  }
  return Math.sign(x.length - y.length);
}

/**
 * -1, 0 or 1 as tracking version `a` is older than, as new as, or newer than `b`; null when they
 * cannot be compared (not both integers nor both semantic versions, or not a CSAF version at all).
 * Semantic versions follow SemVer 2.0.0 precedence; build metadata is ignored.
 */
export function compareTrackingVersions(a: string, b: string): -1 | 0 | 1 | null {
  if (INTEGER.test(a) && INTEGER.test(b)) return compareDigits(a, b) as -1 | 0 | 1;
  const x = SEMVER.exec(a);
  const y = SEMVER.exec(b);
  if (!x || !y) return null;
  for (const i of [1, 2, 3]) {
    const c = compareDigits(x[i] as string, y[i] as string);
    if (c !== 0) return c as -1 | 1;
  }
  return comparePrerelease(x[4], y[4]) as -1 | 0 | 1;
}

/**
 * Whether `incoming` is a newer revision than `stored` of the same advisory: by tracking version,
 * and by current release date when the versions are equal or cannot be compared.
 */
export function isNewerRevision(
  stored: { version: string; currentReleaseDate: string },
  incoming: { version: string; currentReleaseDate: string },
): boolean {
  const byVersion = compareTrackingVersions(incoming.version, stored.version);
  if (byVersion !== null && byVersion !== 0) return byVersion > 0;
  return Date.parse(incoming.currentReleaseDate) > Date.parse(stored.currentReleaseDate);
}
