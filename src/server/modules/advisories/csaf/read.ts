import { DEFAULT_MAX_BYTES, decodeJson } from './decode.js';
import { list, obj, text, texts } from './json.js';
import { readProductTree } from './products.js';
import { checkReferences } from './references.js';
import { CsafRefused } from './refusal.js';
import { validateCsaf } from './schema.js';
import { advisoryTlp, type TlpLabel } from './tlp.js';
import type { CsafAdvisory, CsafRevision } from './types.js';
import { notesOf, referencesOf, vulnerabilityOf } from './vulnerabilities.js';

export interface ReadCsafOptions {
  /** The TLP given to a document without a label (the importer's choice). Default GREEN. */
  defaultTlp?: TlpLabel;
  /** The largest file accepted, in bytes. Default 20 MiB. */
  maxBytes?: number;
}

function revisionsOf(history: unknown): CsafRevision[] {
  return list(history).map((r) => {
    const rev = obj(r) ?? {};
    return {
      number: text(rev.number) ?? '',
      date: text(rev.date) ?? '',
      summary: text(rev.summary) ?? '',
      legacyVersion: text(rev.legacy_version),
    };
  });
}

/**
 * Reads one CSAF 2.0 document: decodes it (decode.ts), validates it against the CSAF 2.0 schema
 * with every error's instance and schema path, checks that every product and group it refers to
 * is defined, and returns it normalised (types.ts). Anything it cannot take in is thrown as a
 * CsafRefused; nothing else is thrown.
 */
export function readCsaf(bytes: Buffer, options: ReadCsafOptions = {}): CsafAdvisory {
  const doc = decodeJson(bytes, options.maxBytes ?? DEFAULT_MAX_BYTES);
  const document = obj(doc.document);
  const version = document?.csaf_version;
  if (typeof version === 'string' && version !== '2.0') {
    throw new CsafRefused('advisories.csaf_version_unsupported', { version: version.slice(0, 20) });
  }
  const errors = validateCsaf(doc);
  const [first] = errors;
  if (first) {
    throw new CsafRefused(
      'advisories.csaf_schema',
      {
        count: errors.length,
        path: first.instancePath || '/',
        schema_path: first.schemaPath,
        ...first.reason,
      },
      errors.map((e) => ({
        instancePath: e.instancePath,
        schemaPath: e.schemaPath,
        message: e.message,
        code: 'advisories.csaf_rule',
        params: { schema_path: e.schemaPath, ...e.reason },
      })),
    );
  }
  const tree = readProductTree(doc.product_tree);
  checkReferences(doc, new Set(tree.products.map((p) => p.id)), new Set(tree.groups.map((g) => g.id)));
  const members = new Map(tree.groups.map((g) => [g.id, g.productIds]));

  const d = document ?? {};
  const tracking = obj(d.tracking) ?? {};
  const publisher = obj(d.publisher) ?? {};
  const distribution = obj(d.distribution);
  const severity = obj(d.aggregate_severity);
  const notes = notesOf(d.notes);
  const summaries = notes.filter((n) => n.category === 'summary').map((n) => n.text);
  return {
    trackingId: text(tracking.id) ?? '',
    version: text(tracking.version) ?? '',
    status: (text(tracking.status) ?? 'final') as CsafAdvisory['status'],
    revisionHistory: revisionsOf(tracking.revision_history),
    initialReleaseDate: text(tracking.initial_release_date) ?? '',
    currentReleaseDate: text(tracking.current_release_date) ?? '',
    aliases: texts(tracking.aliases),
    title: text(d.title) ?? '',
    category: text(d.category) ?? '',
    publisher: {
      name: text(publisher.name) ?? '',
      category: text(publisher.category) ?? '',
      namespace: text(publisher.namespace) ?? '',
      contactDetails: text(publisher.contact_details),
      issuingAuthority: text(publisher.issuing_authority),
    },
    lang: text(d.lang),
    sourceLang: text(d.source_lang),
    tlp: advisoryTlp(distribution ?? undefined, options.defaultTlp ?? 'GREEN'),
    distributionText: text(distribution?.text),
    aggregateSeverity: severity
      ? { text: text(severity.text) ?? '', namespace: text(severity.namespace) }
      : null,
    summary: summaries.length > 0 ? summaries.join('\n\n') : null,
    notes,
    references: referencesOf(d.references),
    products: tree.products,
    productGroups: tree.groups,
    vulnerabilities: list(doc.vulnerabilities).map((v) => vulnerabilityOf(v, members)),
  };
}
