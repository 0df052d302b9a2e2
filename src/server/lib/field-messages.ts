import type { FieldError } from './errors.js';
import { addMessages, isMessageKey, type Locale, type MessageParams, translate } from './messages.js';

/**
 * Field errors in the reader's language. A schema's issue (zod's code and details) becomes a
 * message key and parameters here; the HTTP layer renders them when it knows the request's
 * language. A schema's own rule names its message key as the issue's message (`custom`).
 */

/** What a zod issue carries: its code, its message in English, and the code's details. */
export interface SchemaIssue {
  code: string;
  message: string;
  path?: readonly PropertyKey[];
}

export interface CodedMessage {
  code: string;
  params: MessageParams;
}

const text = (v: unknown): string => (Array.isArray(v) ? v.map(text).join(', ') : String(v));

/** The message key and parameters of one issue. */
export function issueMessage(i: SchemaIssue): CodedMessage {
  const issue = i as SchemaIssue & Record<string, unknown>;
  const origin = String(issue.origin ?? '');
  const kind = ['string', 'array', 'set', 'file'].includes(origin) ? origin : 'number';
  switch (issue.code) {
    case 'invalid_type':
      // zod names an absent value "received undefined" in its message, and nothing else does.
      if (/received undefined$/.test(issue.message)) return { code: 'validation.required', params: {} };
      return { code: 'validation.invalid_type', params: { expected: String(issue.expected ?? '') } };
    case 'too_small':
      return {
        code: `validation.too_small.${kind}${issue.inclusive === false ? '_exclusive' : ''}`,
        params: { limit: text(issue.minimum) },
      };
    case 'too_big':
      return {
        code: `validation.too_big.${kind}${issue.inclusive === false ? '_exclusive' : ''}`,
        params: { limit: text(issue.maximum) },
      };
    case 'invalid_format':
      return { code: 'validation.invalid_format', params: { format: String(issue.format ?? '') } };
    case 'invalid_value':
      return { code: 'validation.invalid_value', params: { values: text(issue.values) } };
    case 'unrecognized_keys':
      return { code: 'validation.unrecognized_keys', params: { keys: text(issue.keys) } };
    case 'not_multiple_of':
      return { code: 'validation.not_multiple_of', params: { divisor: text(issue.divisor) } };
    case 'custom': {
      const params = (issue.params ?? {}) as MessageParams;
      // A rule of ours names its message key; anything else is not one of ours to word.
      if (isMessageKey(issue.message)) return { code: issue.message, params };
      return { code: 'validation.invalid', params: {} };
    }
    default:
      return { code: 'validation.invalid', params: {} };
  }
}

/**
 * A JSON Schema (ajv) error as a reason under `validation.` and its parameters, for messages that
 * name it as `{reason:validation}`.
 */
export function schemaReason(e: {
  keyword: string;
  params: Record<string, unknown>;
}): { reason: string } & MessageParams {
  const p = e.params;
  const type = (t: unknown) => (t === 'integer' ? 'int' : String(t));
  const format = (f: unknown) => (f === 'date-time' ? 'datetime' : f === 'uri' ? 'url' : String(f));
  switch (e.keyword) {
    case 'required':
      return { reason: 'missing', field: String(p.missingProperty ?? '') };
    case 'type':
      return { reason: 'invalid_type', expected: type(Array.isArray(p.type) ? p.type[0] : p.type) };
    case 'pattern':
      return { reason: 'pattern', pattern: String(p.pattern ?? '') };
    case 'format':
      return { reason: 'invalid_format', format: format(p.format) };
    case 'enum':
      return { reason: 'invalid_value', values: text(p.allowedValues) };
    case 'const':
      return { reason: 'invalid_value', values: text(p.allowedValue) };
    case 'minLength':
      return { reason: 'too_small.string', limit: text(p.limit) };
    case 'maxLength':
      return { reason: 'too_big.string', limit: text(p.limit) };
    case 'minItems':
      return { reason: 'too_small.array', limit: text(p.limit) };
    case 'maxItems':
      return { reason: 'too_big.array', limit: text(p.limit) };
    case 'minimum':
      return { reason: 'too_small.number', limit: text(p.limit) };
    case 'maximum':
      return { reason: 'too_big.number', limit: text(p.limit) };
    case 'exclusiveMinimum':
      return { reason: 'too_small.number_exclusive', limit: text(p.limit) };
    case 'exclusiveMaximum':
      return { reason: 'too_big.number_exclusive', limit: text(p.limit) };
    case 'additionalProperties':
      return { reason: 'unrecognized_keys', keys: String(p.additionalProperty ?? '') };
    case 'uniqueItems':
      // Ajv names the later item i and the earlier one j (positions from 0, as in the JSON pointer).
      return { reason: 'duplicate_items', first: text(p.j), second: text(p.i) };
    case 'minProperties':
      return { reason: 'too_small.properties', limit: text(p.limit) };
    case 'maxProperties':
      return { reason: 'too_big.properties', limit: text(p.limit) };
    case 'oneOf':
      return { reason: 'one_of' };
    case 'anyOf':
      return { reason: 'any_of' };
    default:
      return { reason: 'invalid' };
  }
}

/** One issue's message in `locale`. */
export function renderIssue(issue: SchemaIssue, locale: Locale): string {
  const m = issueMessage(issue);
  return translate(m.code, locale, m.params);
}

/** A schema's issues as field errors under `prefix` (e.g. `querystring`), rendered per request. */
export function issueFieldErrors(prefix: string, issues: readonly SchemaIssue[]): FieldError[] {
  return issues.map((i) => ({
    path: [prefix, ...(i.path ?? []).map(String)].join('.'),
    message: i.message,
    ...issueMessage(i),
  }));
}

addMessages({
  'validation.required': { en: 'Required.', da: 'Skal udfyldes.' },
  'validation.missing': { en: 'The field "{field}" is missing.', da: 'Feltet "{field}" mangler.' },
  'validation.invalid': { en: 'Not valid.', da: 'Ikke gyldig.' },
  'validation.pattern': {
    en: 'Not in the expected form (the pattern {pattern}).',
    da: 'Ikke i den forventede form (mønsteret {pattern}).',
  },
  'validation.duplicate_items': {
    en: 'Items {first} and {second} are the same; each may appear once.',
    da: 'Element {first} og {second} er ens; hvert må kun forekomme én gang.',
  },
  'validation.too_small.properties': { en: 'At least {limit} fields.', da: 'Mindst {limit} felter.' },
  'validation.too_big.properties': { en: 'At most {limit} fields.', da: 'Højst {limit} felter.' },
  'validation.one_of': {
    en: 'Matches none or more than one of the forms allowed here.',
    da: 'Passer med ingen eller flere end én af de former, der er tilladt her.',
  },
  'validation.any_of': {
    en: 'Matches none of the forms allowed here.',
    da: 'Passer ikke med nogen af de former, der er tilladt her.',
  },
  'validation.invalid_type': {
    en: 'Must be {expected:validation.type}.',
    da: 'Skal være {expected:validation.type}.',
  },
  'validation.type.string': { en: 'text', da: 'tekst' },
  'validation.type.number': { en: 'a number', da: 'et tal' },
  'validation.type.int': { en: 'a whole number', da: 'et helt tal' },
  'validation.type.boolean': { en: 'true or false', da: 'sand eller falsk' },
  'validation.type.object': { en: 'an object', da: 'et objekt' },
  'validation.type.array': { en: 'a list', da: 'en liste' },
  'validation.type.date': { en: 'a date', da: 'en dato' },
  'validation.too_small.string': { en: 'At least {limit} characters.', da: 'Mindst {limit} tegn.' },
  'validation.too_small.string_exclusive': {
    en: 'More than {limit} characters.',
    da: 'Mere end {limit} tegn.',
  },
  'validation.too_small.array': { en: 'At least {limit} items.', da: 'Mindst {limit} elementer.' },
  'validation.too_small.array_exclusive': {
    en: 'More than {limit} items.',
    da: 'Mere end {limit} elementer.',
  },
  'validation.too_small.set': { en: 'At least {limit} items.', da: 'Mindst {limit} elementer.' },
  'validation.too_small.set_exclusive': { en: 'More than {limit} items.', da: 'Mere end {limit} elementer.' },
  'validation.too_small.file': { en: 'At least {limit} bytes.', da: 'Mindst {limit} byte.' },
  'validation.too_small.file_exclusive': { en: 'More than {limit} bytes.', da: 'Mere end {limit} byte.' },
  'validation.too_small.number': { en: 'At least {limit}.', da: 'Mindst {limit}.' },
  'validation.too_small.number_exclusive': { en: 'More than {limit}.', da: 'Større end {limit}.' },
  'validation.too_big.string': { en: 'At most {limit} characters.', da: 'Højst {limit} tegn.' },
  'validation.too_big.string_exclusive': {
    en: 'Fewer than {limit} characters.',
    da: 'Færre end {limit} tegn.',
  },
  'validation.too_big.array': { en: 'At most {limit} items.', da: 'Højst {limit} elementer.' },
  'validation.too_big.array_exclusive': {
    en: 'Fewer than {limit} items.',
    da: 'Færre end {limit} elementer.',
  },
  'validation.too_big.set': { en: 'At most {limit} items.', da: 'Højst {limit} elementer.' },
  'validation.too_big.set_exclusive': { en: 'Fewer than {limit} items.', da: 'Færre end {limit} elementer.' },
  'validation.too_big.file': { en: 'At most {limit} bytes.', da: 'Højst {limit} byte.' },
  'validation.too_big.file_exclusive': { en: 'Fewer than {limit} bytes.', da: 'Færre end {limit} byte.' },
  'validation.too_big.number': { en: 'At most {limit}.', da: 'Højst {limit}.' },
  'validation.too_big.number_exclusive': { en: 'Less than {limit}.', da: 'Mindre end {limit}.' },
  'validation.invalid_format': {
    en: 'Not {format:validation.format}.',
    da: 'Ikke {format:validation.format}.',
  },
  'validation.format.email': { en: 'an e-mail address', da: 'en e-mailadresse' },
  'validation.format.url': { en: 'a web address (URL)', da: 'en webadresse (URL)' },
  'validation.format.uuid': { en: 'an id (UUID)', da: 'et id (UUID)' },
  'validation.format.guid': { en: 'an id (UUID)', da: 'et id (UUID)' },
  'validation.format.datetime': {
    en: 'a date and time (ISO 8601, e.g. 2026-11-25T10:00:00Z)',
    da: 'en dato og et klokkeslæt (ISO 8601, f.eks. 2026-11-25T10:00:00Z)',
  },
  'validation.format.date': { en: 'a date (YYYY-MM-DD)', da: 'en dato (ÅÅÅÅ-MM-DD)' },
  'validation.format.ipv4': { en: 'an IPv4 address', da: 'en IPv4-adresse' },
  'validation.format.ipv6': { en: 'an IPv6 address', da: 'en IPv6-adresse' },
  'validation.format.cidrv4': { en: 'an IPv4 range (CIDR)', da: 'et IPv4-interval (CIDR)' },
  'validation.format.cidrv6': { en: 'an IPv6 range (CIDR)', da: 'et IPv6-interval (CIDR)' },
  'validation.format.regex': { en: 'in the expected form', da: 'i den forventede form' },
  'validation.invalid_value': {
    en: 'Must be one of: {values}.',
    da: 'Skal være en af: {values}.',
  },
  'validation.unrecognized_keys': {
    en: 'Unknown fields: {keys}.',
    da: 'Ukendte felter: {keys}.',
  },
  'validation.not_multiple_of': {
    en: 'Must be a multiple of {divisor}.',
    da: 'Skal være et multiplum af {divisor}.',
  },
  'validation.one_or_more': {
    en: 'One or more of {values}, separated by commas.',
    da: 'En eller flere af {values}, adskilt af kommaer.',
  },
  'validation.shared_ref': {
    en: 'Not a reference to a shared system: write "<owner slug>/<key>".',
    da: 'Ikke en henvisning til et delt system: skriv "<ejerens kortnavn>/<nøgle>".',
  },
  'validation.dependency_kinds': {
    en: 'A process depends on systems; a system depends on systems and suppliers.',
    da: 'En proces afhænger af systemer; et system afhænger af systemer og leverandører.',
  },
  'validation.password_unchanged': {
    en: 'Must differ from the current password.',
    da: 'Skal være forskellig fra den nuværende adgangskode.',
  },
  'validation.password_wrong': { en: 'Wrong password.', da: 'Forkert adgangskode.' },
  'validation.sarif_system': {
    en: 'A SARIF file holds code findings: give the system they belong to (system=<key>).',
    da: 'En SARIF-fil indeholder fund i kode: angiv det system, de hører til (system=<nøgle>).',
  },
  'validation.dependency_self': {
    en: 'A system cannot depend on itself.',
    da: 'Et system kan ikke afhænge af sig selv.',
  },
});
