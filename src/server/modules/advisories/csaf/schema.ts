import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsModule, { type FormatsPlugin } from 'ajv-formats';
import { schemaReason } from '../../../lib/field-messages.js';
import csafSchema from './schema/csaf_json_schema.json' with { type: 'json' };
import cvssV20 from './schema/cvss-v2.0.json' with { type: 'json' };
import cvssV30 from './schema/cvss-v3.0.json' with { type: 'json' };
import cvssV31 from './schema/cvss-v3.1.json' with { type: 'json' };

/**
 * Validation of CSAF 2.0 documents against the OASIS JSON schema (schema/README.md says where the
 * schemas come from). The CSAF schema is JSON Schema 2020-12; the CVSS schemas it refers to are
 * draft-04 (2.0, 3.0) and draft-07 (3.1). They are registered under the exact URLs the CSAF schema's
 * `$ref`s use, with `$schema`, `id`/`$id` and `license` removed, so that one Ajv 2020 instance
 * compiles them all (the keywords they use mean the same in every draft).
 */

/** The URLs the CSAF schema refers to, and the schema registered under each. */
export const CVSS_SCHEMAS: Readonly<Record<string, Record<string, unknown>>> = {
  'https://www.first.org/cvss/cvss-v2.0.json': cvssV20,
  'https://www.first.org/cvss/cvss-v3.0.json': cvssV30,
  'https://www.first.org/cvss/cvss-v3.1.json': cvssV31,
};

export const CSAF_SCHEMA: Readonly<Record<string, unknown>> = csafSchema;

/** One way a document breaks the schema. */
export interface SchemaError {
  /** JSON Pointer into the document (RFC 6901), '' for the document itself. */
  instancePath: string;
  /** Where in the schema the failed rule is, e.g. `#/properties/document/required`. */
  schemaPath: string;
  /** The JSON Schema keyword that failed (`required`, `pattern`, `enum`, …). */
  keyword: string;
  /** What is wrong, in English (Ajv's wording, with the property or allowed values named). */
  message: string;
  /** The same as a reason under `validation.` and its parameters (field-messages.ts). */
  reason: ReturnType<typeof schemaReason>;
}

// ajv-formats is CommonJS: under NodeNext its default import is `module.exports`, the plugin itself.
const addFormats = formatsModule as unknown as FormatsPlugin;

function withoutIdentity(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _s, id: _i, $id: _d, license: _l, ...rest } = schema;
  return rest;
}

/** Which CVSS schema (its URL) each of its sub-schema objects belongs to. */
const cvssOwner = new WeakMap<object, string>();

function own(value: unknown, url: string): void {
  if (typeof value !== 'object' || value === null) return;
  cvssOwner.set(value, url);
  for (const inner of Object.values(value)) own(inner, url);
}

let compiled: ValidateFunction | undefined;

/** The compiled validator: built on first use, once per process (compiling takes a few hundred ms). */
function validator(): ValidateFunction {
  if (compiled) return compiled;
  // verbose: each error carries its parent schema, which tells errors in a CVSS schema apart.
  const ajv = new Ajv2020({ allErrors: true, strict: true, verbose: true });
  addFormats(ajv);
  for (const [url, schema] of Object.entries(CVSS_SCHEMAS)) {
    const registered = withoutIdentity(schema);
    own(registered, url);
    ajv.addSchema(registered, url);
  }
  compiled = ajv.compile(CSAF_SCHEMA);
  return compiled;
}

function messageOf(e: ErrorObject): string {
  const base = e.message ?? e.keyword;
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties' && typeof p.additionalProperty === 'string')
    return `${base}: '${p.additionalProperty}'`;
  if (e.keyword === 'enum' && Array.isArray(p.allowedValues))
    return `${base}: ${p.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return base;
}

/**
 * Ajv gives a keyword's path relative to the schema it lies in: `#/…` in the CSAF schema, and also
 * `#/…` inside a referenced CVSS schema. The latter get the CVSS schema's URL in front, so that
 * every path names one place.
 */
function schemaPathOf(e: ErrorObject): string {
  const owner = e.parentSchema ? cvssOwner.get(e.parentSchema) : undefined;
  return owner ? `${owner}${e.schemaPath}` : e.schemaPath;
}

/** Every way `doc` breaks the CSAF 2.0 schema, in Ajv's order; empty when it is valid. */
export function validateCsaf(doc: unknown): SchemaError[] {
  const validate = validator();
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => ({
    instancePath: e.instancePath,
    schemaPath: schemaPathOf(e),
    keyword: e.keyword,
    message: messageOf(e),
    reason: schemaReason(e),
  }));
}
