import { PackageURL } from 'packageurl-js';
import { contains } from './ranges.js';
import { parseVers, schemeFor } from './vers.js';
import { compareVersions } from './versions.js';

/**
 * Package URL identity (https://github.com/package-url/purl-spec), read with packageurl-js,
 * which applies the type-specific normalisations (lowercase type, npm and pypi names, pypi
 * `_` → `-`, …). The identity key is `pkg:type/namespace/name` in canonical form, without
 * version, qualifiers or subpath, so it can be stored and compared as text.
 */

/** A package URL split into its identity key and its version. */
export interface PurlIdentity {
  key: string;
  type: string;
  version: string | null;
}

/** The identity of a package URL, or null when packageurl-js refuses it. */
export function purlIdentity(purl: string): PurlIdentity | null {
  let parsed: PackageURL;
  try {
    parsed = PackageURL.fromString(purl);
  } catch {
    return null;
  }
  const key = new PackageURL(parsed.type, parsed.namespace, parsed.name, undefined, undefined, undefined);
  return { key: key.toString(), type: parsed.type, version: parsed.version ?? null };
}

/** The advisory side: a package URL and, optionally, a vers range of affected versions. */
export interface AdvisoryPurl {
  purl: string;
  vers?: string | null;
}

/** The result of matching two package URLs of the same identity. */
export interface PurlMatch {
  key: string;
  versionStatus: 'in_range' | 'out_of_range' | 'unknown';
}

/**
 * Matches a component's package URL against an advisory's. Null when either does not parse
 * or the identities differ. When they agree, the version is `in_range` if it equals the
 * advisory's version or lies in its vers range (compared with the scheme of the purl type),
 * `out_of_range` if not, and `unknown` when the component has no version, the advisory
 * gives neither version nor a valid vers, or the versions cannot be compared.
 */
export function matchPurl(component: string, advisory: AdvisoryPurl): PurlMatch | null {
  const mine = purlIdentity(component);
  const theirs = purlIdentity(advisory.purl);
  if (mine === null || theirs === null || mine.key !== theirs.key) return null;
  const found = (versionStatus: PurlMatch['versionStatus']): PurlMatch => ({ key: mine.key, versionStatus });
  if (mine.version === null) return found('unknown');
  const scheme = schemeFor(mine.type);
  if (advisory.vers) {
    const vers = parseVers(advisory.vers);
    if (!vers.ok) return found('unknown');
    const status = contains(vers.range, mine.version, vers.scheme);
    return found(status === 'in' ? 'in_range' : status === 'out' ? 'out_of_range' : 'unknown');
  }
  if (theirs.version === null) return found('unknown');
  if (mine.version === theirs.version) return found('in_range');
  const order = compareVersions(mine.version, theirs.version, scheme);
  return found(order === null ? 'unknown' : order === 0 ? 'in_range' : 'out_of_range');
}
