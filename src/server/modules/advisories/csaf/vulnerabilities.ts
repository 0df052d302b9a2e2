import { type JsonObject, list, num, obj, text, texts, unique } from './json.js';
import {
  type CsafFlag,
  type CsafNote,
  type CsafReference,
  type CsafRemediation,
  type CsafScore,
  type CsafThreat,
  type CsafVulnerability,
  PRODUCT_STATUS_CATEGORIES,
  type ProductStatusCategory,
} from './types.js';

export function notesOf(notes: unknown): CsafNote[] {
  return list(notes).map((n) => {
    const note = obj(n) ?? {};
    return {
      category: text(note.category) ?? '',
      text: text(note.text) ?? '',
      title: text(note.title),
      audience: text(note.audience),
    };
  });
}

export function referencesOf(references: unknown): CsafReference[] {
  return list(references).map((r) => {
    const ref = obj(r) ?? {};
    return {
      category: text(ref.category) ?? 'external',
      summary: text(ref.summary) ?? '',
      url: text(ref.url) ?? '',
    };
  });
}

function scoreOf(value: unknown): CsafScore {
  const s = obj(value) ?? {};
  const v2 = obj(s.cvss_v2);
  const v3 = obj(s.cvss_v3);
  return {
    productIds: unique(texts(s.products)),
    cvssV2: v2
      ? {
          version: text(v2.version) ?? '',
          vector: text(v2.vectorString) ?? '',
          baseScore: num(v2.baseScore) ?? 0,
        }
      : null,
    cvssV3: v3
      ? {
          version: text(v3.version) ?? '',
          vector: text(v3.vectorString) ?? '',
          baseScore: num(v3.baseScore) ?? 0,
          baseSeverity: text(v3.baseSeverity) ?? '',
        }
      : null,
  };
}

/** Turns group ids into their members (the references were checked before). */
export type GroupMembers = ReadonlyMap<string, readonly string[]>;

function targets(x: JsonObject, groups: GroupMembers): { productIds: string[]; groupIds: string[] } {
  const groupIds = unique(texts(x.group_ids));
  return {
    productIds: unique([...texts(x.product_ids), ...groupIds.flatMap((g) => groups.get(g) ?? [])]),
    groupIds,
  };
}

function remediationOf(value: unknown, groups: GroupMembers): CsafRemediation {
  const r = obj(value) ?? {};
  return {
    category: text(r.category) ?? '',
    details: text(r.details) ?? '',
    url: text(r.url),
    date: text(r.date),
    entitlements: texts(r.entitlements),
    restartRequired: text(obj(r.restart_required)?.category),
    ...targets(r, groups),
  };
}

function threatOf(value: unknown, groups: GroupMembers): CsafThreat {
  const t = obj(value) ?? {};
  return {
    category: text(t.category) ?? '',
    details: text(t.details) ?? '',
    date: text(t.date),
    ...targets(t, groups),
  };
}

function flagOf(value: unknown, groups: GroupMembers): CsafFlag {
  const f = obj(value) ?? {};
  return { label: text(f.label) ?? '', date: text(f.date), ...targets(f, groups) };
}

/** One validated `vulnerabilities[]` element, normalised; group ids resolved through `groups`. */
export function vulnerabilityOf(value: unknown, groups: GroupMembers): CsafVulnerability {
  const v = obj(value) ?? {};
  const status = obj(v.product_status) ?? {};
  const productStatus = Object.fromEntries(
    PRODUCT_STATUS_CATEGORIES.map((c) => [c, unique(texts(status[c]))]),
  ) as Record<ProductStatusCategory, string[]>;
  const cwe = obj(v.cwe);
  return {
    cve: text(v.cve),
    ids: list(v.ids).map((i) => ({
      systemName: text(obj(i)?.system_name) ?? '',
      text: text(obj(i)?.text) ?? '',
    })),
    cwe: cwe ? { id: text(cwe.id) ?? '', name: text(cwe.name) ?? '' } : null,
    title: text(v.title),
    discoveryDate: text(v.discovery_date),
    releaseDate: text(v.release_date),
    notes: notesOf(v.notes),
    references: referencesOf(v.references),
    scores: list(v.scores).map(scoreOf),
    productStatus,
    remediations: list(v.remediations).map((r) => remediationOf(r, groups)),
    threats: list(v.threats).map((t) => threatOf(t, groups)),
    flags: list(v.flags).map((f) => flagOf(f, groups)),
  };
}
