import { PackageURL } from 'packageurl-js';
import {
  issue,
  type SbomComponent,
  type SbomHash,
  type SbomIssue,
  type SbomLicense,
  type SbomLocation,
  type VendorSource,
} from './types.js';

/** Stands in for a string longer than the limit: it is counted, never kept. */
export const TOO_LONG: unique symbol = Symbol('sbom.too_long');

/**
 * A component as read from either format, in CycloneDX JSON's shape (XML is mapped onto it):
 * only the fields the reader uses, each a plain value.
 */
export type RawComponent = Record<string, unknown>;

/**
 * Where `vendor` comes from, first match wins:
 * 1. `manufacturer.name` (1.6: the organisation that made the component),
 * 2. `supplier.name` (the organisation that supplied it; NTIA's "supplier name"; may be a
 *    distributor),
 * 3. `publisher` (the person or organisation that published it),
 * 4. `authors[0].name` (1.6), then the deprecated `author` string (a person, usually),
 * 5. `group` (the CycloneDX specification: "often a shortened, single name of the company or
 *    project that produced the component", e.g. a Maven groupId or an npm scope).
 */
export const VENDOR_PRECEDENCE: readonly VendorSource[] = [
  'manufacturer',
  'supplier',
  'publisher',
  'authors',
  'author',
  'group',
];

/** The location of the component, or of one of its fields (`purl`, `hashes`, …). */
export type Locator = (field?: string) => SbomLocation;

interface Context {
  maxStringLength: number;
  issues: SbomIssue[];
  at: Locator;
}

function text(raw: RawComponent, field: string, ctx: Context): string | null {
  const value = raw[field];
  if (value === undefined || value === null) return null;
  if (value === TOO_LONG) {
    ctx.issues.push(issue('sbom.value_too_long', { limit: ctx.maxStringLength }, ctx.at(field)));
    return null;
  }
  if (typeof value !== 'string') {
    ctx.issues.push(issue('sbom.field_type', { expected: 'a string' }, ctx.at(field)));
    return null;
  }
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** `{name: …}` of an organizationalEntity or organizationalContact. */
function entityName(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const name = (value as Record<string, unknown>).name;
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : null;
}

function firstAuthor(value: unknown): string | null {
  if (!Array.isArray(value)) return null;
  for (const entry of value) {
    const name = entityName(entry);
    if (name) return name;
  }
  return null;
}

function hashesOf(value: unknown, ctx: Context): SbomHash[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    ctx.issues.push(issue('sbom.field_type', { expected: 'a list of hashes' }, ctx.at('hashes')));
    return [];
  }
  const hashes: SbomHash[] = [];
  for (const entry of value) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { alg, content } = entry as Record<string, unknown>;
    if (typeof alg === 'string' && typeof content === 'string' && content.trim() !== '') {
      hashes.push({ alg: alg.trim(), content: content.trim().toLowerCase() });
    }
  }
  return hashes;
}

function licensesOf(value: unknown, ctx: Context): SbomLicense[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    ctx.issues.push(issue('sbom.field_type', { expected: 'a list of licenses' }, ctx.at('licenses')));
    return [];
  }
  const licenses: SbomLicense[] = [];
  for (const entry of value) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { license, expression } = entry as Record<string, unknown>;
    if (typeof expression === 'string' && expression.trim() !== '') {
      licenses.push({ expression: expression.trim() });
    } else if (typeof license === 'object' && license !== null) {
      const { id, name } = license as Record<string, unknown>;
      if (typeof id === 'string' && id.trim() !== '') licenses.push({ id: id.trim() });
      else if (typeof name === 'string' && name.trim() !== '') licenses.push({ name: name.trim() });
    }
  }
  return licenses;
}

/** A CPE 2.3 formatted string (13 parts, `\:` escaped) or a CPE 2.2 URI (`cpe:/a:vendor:product…`). */
export function isCpe(value: string): boolean {
  if (/^cpe:\/[aho]?(:[^:\s]*){0,6}$/i.test(value)) return true;
  if (!value.startsWith('cpe:2.3:')) return false;
  const parts = value.split(/(?<!\\):/);
  return parts.length === 13 && /^[aho*-]$/.test(parts[2] ?? '') && !/\s/.test(value);
}

function purlOf(raw: RawComponent, ctx: Context): string | null {
  const value = text(raw, 'purl', ctx);
  if (value === null) return null;
  try {
    PackageURL.fromString(value);
    return value;
  } catch (error) {
    const detail = (error as Error).message.replace(/^Invalid purl:\s*/, '');
    ctx.issues.push(issue('sbom.purl_invalid', { purl: value, detail }, ctx.at('purl')));
    return null;
  }
}

function cpeOf(raw: RawComponent, ctx: Context): string | null {
  const value = text(raw, 'cpe', ctx);
  if (value === null) return null;
  if (isCpe(value)) return value;
  ctx.issues.push(issue('sbom.cpe_invalid', { cpe: value }, ctx.at('cpe')));
  return null;
}

/** Builds the component from its raw fields; problems go to `issues`, never thrown. */
export function buildComponent(
  raw: RawComponent,
  where: { at: Locator; depth: number; maxStringLength: number },
): SbomComponent {
  const issues: SbomIssue[] = [];
  const ctx: Context = { maxStringLength: where.maxStringLength, issues, at: where.at };
  const name = text(raw, 'name', ctx);
  if (name === null && raw.name !== TOO_LONG) issues.push(issue('sbom.name_missing', {}, where.at()));
  const group = text(raw, 'group', ctx);
  const manufacturer = entityName(raw.manufacturer);
  const supplier = entityName(raw.supplier);
  const publisher = text(raw, 'publisher', ctx);
  const authors = firstAuthor(raw.authors);
  const authorString = text(raw, 'author', ctx);
  const candidates: Record<VendorSource, string | null> = {
    manufacturer,
    supplier,
    publisher,
    authors,
    author: authorString,
    group,
  };
  const vendorSource = VENDOR_PRECEDENCE.find((source) => candidates[source] !== null) ?? null;
  return {
    bomRef: text(raw, 'bom-ref', ctx),
    type: text(raw, 'type', ctx),
    group,
    name: name ?? '',
    version: text(raw, 'version', ctx),
    vendor: vendorSource ? candidates[vendorSource] : null,
    vendorSource,
    manufacturer,
    supplier,
    publisher,
    author: authors ?? authorString,
    cpe: cpeOf(raw, ctx),
    purl: purlOf(raw, ctx),
    hashes: hashesOf(raw.hashes, ctx),
    licenses: licensesOf(raw.licenses, ctx),
    parentRef: null,
    depth: where.depth,
    location: where.at(),
    issues,
  };
}

/** Fields of a component the readers keep; everything else (pedigree, evidence, …) is skipped. */
export const KEPT_FIELDS = new Set([
  'bom-ref',
  'type',
  'group',
  'name',
  'version',
  'manufacturer',
  'supplier',
  'publisher',
  'author',
  'authors',
  'cpe',
  'purl',
  'hashes',
  'licenses',
]);

/**
 * A component nested in another, waiting for its top-level ancestor to end: components are
 * yielded in document order, parent before children, once the parent's bom-ref is surely known.
 */
export interface ComponentNode {
  component: SbomComponent;
  children: ComponentNode[];
}

/** The nodes of a finished subtree in document order (pre-order), each child told its parent's ref. */
export function* flatten(node: ComponentNode): Generator<SbomComponent> {
  yield node.component;
  for (const child of node.children) {
    child.component.parentRef = node.component.bomRef;
    yield* flatten(child);
  }
}
