import { translate } from '../../../lib/messages.js';
import type { SbomMessageKey } from './messages.js';
import './messages.js';

/** CycloneDX versions the reader accepts. */
export const SUPPORTED_SPEC_VERSIONS = ['1.2', '1.3', '1.4', '1.5', '1.6'] as const;
export type SpecVersion = (typeof SUPPORTED_SPEC_VERSIONS)[number];

/**
 * Where something is in the file. `path` is always set, in JSON notation for both formats
 * (`components[3].components[0].purl`, `metadata.component`, `dependencies[2]`); `line` and
 * `column` (both from 1) are set for XML, where saxes reports them.
 */
export interface SbomLocation {
  path: string;
  line: number | null;
  column: number | null;
}

/**
 * The location as message parameter `{where}`, the same in Danish and English:
 * `components[12].purl` (JSON), `40:7 components[12].purl` (XML: line:column, then the path).
 */
export function describeLocation(location: SbomLocation): string {
  if (location.line === null) return location.path || '$';
  const at = `${location.line}:${location.column ?? 1}`;
  return location.path ? `${at} ${location.path}` : at;
}

export type SbomParams = Record<string, string | number>;

/** A problem of one component (the file can be read on; an importer refuses the file). */
export interface SbomIssue {
  code: SbomMessageKey;
  params: SbomParams;
  location: SbomLocation;
}

/** A problem of the whole file: reading stops. `message` is the English text. */
export class SbomError extends Error {
  readonly params: SbomParams;
  constructor(
    readonly code: SbomMessageKey,
    params: SbomParams,
    readonly location: SbomLocation,
  ) {
    const full = { ...params, where: describeLocation(location) };
    super(translate(code, 'en', full));
    this.name = 'SbomError';
    this.params = full;
  }
}

export function issue(code: SbomMessageKey, params: SbomParams, location: SbomLocation): SbomIssue {
  return { code, params: { ...params, where: describeLocation(location) }, location };
}

export interface SbomHash {
  alg: string;
  content: string;
}

/** One license entry: an SPDX id, a free name, or an SPDX expression. */
export type SbomLicense = { id: string } | { name: string } | { expression: string };

/** Which field the component's `vendor` was taken from (see VENDOR_PRECEDENCE). */
export type VendorSource = 'manufacturer' | 'supplier' | 'publisher' | 'authors' | 'author' | 'group';

export interface SbomComponent {
  bomRef: string | null;
  /** library, application, framework, operating-system, device, firmware, container, … */
  type: string | null;
  group: string | null;
  /** Required by CycloneDX; '' with a `sbom.name_missing` issue when absent. */
  name: string;
  version: string | null;
  /** The organisation to list as vendor, by VENDOR_PRECEDENCE; null when none is given. */
  vendor: string | null;
  vendorSource: VendorSource | null;
  /** The raw fields the vendor is chosen from, for a caller that wants another rule. */
  manufacturer: string | null;
  supplier: string | null;
  publisher: string | null;
  /** The first of `authors` (1.6) by name, else the deprecated `author` string. */
  author: string | null;
  cpe: string | null;
  /** Validated with packageurl-js; null (with an issue) when invalid. */
  purl: string | null;
  hashes: SbomHash[];
  licenses: SbomLicense[];
  /** The bom-ref of the component this one is nested in; null at the top level (or no bom-ref). */
  parentRef: string | null;
  /** 0 for a component of the BOM's `components` (or of the subject), 1 for one nested in it, … */
  depth: number;
  location: SbomLocation;
  issues: SbomIssue[];
}

export interface SbomHeader {
  format: 'json' | 'xml';
  specVersion: SpecVersion;
  serialNumber: string | null;
  /** The BOM's own version (an integer counting revisions of this BOM). */
  bomVersion: number | null;
  timestamp: string | null;
  /** metadata.component: what the SBOM describes (not counted as one of its components). */
  subject: SbomComponent | null;
}

export interface SbomDependency {
  ref: string;
  dependsOn: string[];
  /** 1.6: refs this one provides (e.g. an implementation of a standard). */
  provides: string[];
  location: SbomLocation;
}

export type SbomEvent =
  /** First, before any component: what is known of the BOM by then (normally all of it). */
  | { kind: 'bom'; bom: SbomHeader }
  | { kind: 'component'; component: SbomComponent }
  | { kind: 'dependency'; dependency: SbomDependency }
  /** Last: the complete header and the counts. */
  | { kind: 'end'; bom: SbomHeader; components: number; dependencies: number; issues: number };

export interface ReadCycloneDxOptions {
  /** More components than this refuses the file (default 100,000). The subject is not counted. */
  maxComponents?: number;
  /** More bytes than this refuses the file (default 512 MiB). */
  maxBytes?: number;
  /** Time the reader itself may spend parsing, in ms (default 120,000); waiting for input or for
   * the consumer does not count. */
  maxMillis?: number;
  /** Deepest nesting of objects/arrays (JSON) or elements (XML) (default 100). */
  maxDepth?: number;
  /** Longest kept string (name, version, purl, …), in characters (default 65,536). */
  maxStringLength?: number;
}

export interface Limits {
  maxComponents: number;
  maxBytes: number;
  maxMillis: number;
  maxDepth: number;
  maxStringLength: number;
  /** Entries in one kept value (a component's hashes, licenses, …, or one dependency). */
  maxValueEntries: number;
}

export function limitsOf(opts: ReadCycloneDxOptions = {}): Limits {
  return {
    maxComponents: opts.maxComponents ?? 100_000,
    maxBytes: opts.maxBytes ?? 512 * 1024 * 1024,
    maxMillis: opts.maxMillis ?? 120_000,
    maxDepth: opts.maxDepth ?? 100,
    maxStringLength: opts.maxStringLength ?? 65_536,
    maxValueEntries: 100_000,
  };
}
