import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The shared corpora (real scanner outputs, advisories, SBOMs; see ../shared/corpora/SOURCES.md).
 * They sit beside the repository in the workspace; a clone elsewhere finds them through
 * VAERN_CORPORA or at the workspace's fixed place. A missing corpus is an error, never a skip.
 */
function corporaRoot(): string {
  const candidates = [
    process.env.VAERN_CORPORA,
    path.resolve(repo, '../shared/corpora'),
    '/work/shared/corpora',
  ].filter((c): c is string => Boolean(c));
  const found = candidates.find((c) => existsSync(path.join(c, 'SOURCES.md')));
  if (!found) {
    throw new Error(
      `the shared corpora were not found (looked in ${candidates.join(', ')}); set VAERN_CORPORA`,
    );
  }
  return found;
}

/** The path of a file in the shared corpora, e.g. corpus('sbom', 'laravel-7.12.0.cdx.json'). */
export function corpus(...parts: string[]): string {
  return path.join(corporaRoot(), ...parts);
}
