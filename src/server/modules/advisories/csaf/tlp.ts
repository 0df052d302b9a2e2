/**
 * Traffic Light Protocol labels. Værn works with TLP 2.0 (FIRST, 2022); CSAF 2.0 documents carry
 * TLP 1.0 labels (`WHITE`, `GREEN`, `AMBER`, `RED`), which map one to one except that TLP 1.0
 * WHITE is TLP 2.0 CLEAR. TLP 1.0 AMBER ("share within your organisation and with clients who need
 * to know") is TLP 2.0 AMBER, not AMBER+STRICT.
 */
export const TLP_LABELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export type TlpLabel = (typeof TLP_LABELS)[number];

/** The labels CSAF 2.0's schema allows in `document.distribution.tlp.label`. */
export type CsafTlpLabel = 'WHITE' | 'GREEN' | 'AMBER' | 'RED';

const FROM_TLP1: Readonly<Record<CsafTlpLabel, TlpLabel>> = {
  WHITE: 'CLEAR',
  GREEN: 'GREEN',
  AMBER: 'AMBER',
  RED: 'RED',
};

/** The TLP an advisory is kept under, and where it came from. */
export interface AdvisoryTlp {
  /** The TLP 2.0 label Værn applies. */
  label: TlpLabel;
  /** The label as the document gave it (TLP 1.0), or null when it gave none. */
  documentLabel: CsafTlpLabel | null;
  /** The document's `tlp.url` (where its TLP version is defined), or null. */
  url: string | null;
}

export function isTlpLabel(value: unknown): value is TlpLabel {
  return typeof value === 'string' && (TLP_LABELS as readonly string[]).includes(value);
}

/** TLP 1.0 label → TLP 2.0 label; null for anything else. */
export function tlpFromCsaf(label: unknown): TlpLabel | null {
  return typeof label === 'string' && Object.hasOwn(FROM_TLP1, label)
    ? FROM_TLP1[label as CsafTlpLabel]
    : null;
}

/**
 * The TLP of a document's `distribution` (already validated against the schema): its label mapped
 * to TLP 2.0, or `importerDefault` when the document has no label (the importer chooses; GREEN
 * unless told otherwise).
 */
export function advisoryTlp(distribution: unknown, importerDefault: TlpLabel): AdvisoryTlp {
  const tlp = (distribution as { tlp?: { label?: unknown; url?: unknown } } | undefined)?.tlp;
  const mapped = tlpFromCsaf(tlp?.label);
  return {
    label: mapped ?? importerDefault,
    documentLabel: mapped ? (tlp?.label as CsafTlpLabel) : null,
    url: typeof tlp?.url === 'string' ? tlp.url : null,
  };
}

/**
 * Whether an advisory under `label` needs an audience (is seen only by those it is given to):
 * every label above GREEN. CLEAR and GREEN advisories are visible to the whole sector.
 */
export function needsAudience(label: TlpLabel): boolean {
  return label === 'AMBER' || label === 'AMBER+STRICT' || label === 'RED';
}
