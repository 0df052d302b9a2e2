import { AppError } from '../../../lib/errors.js';
import type { MessageParams } from '../../../lib/messages.js';
import '../messages.js';

/** One problem in a refused document: where in the document, which rule, what. */
export interface CsafIssue {
  /** JSON Pointer into the document (RFC 6901); '' for the document itself. */
  instancePath: string;
  /**
   * The schema rule that failed (`#/…` in the CSAF schema, or a CVSS schema's URL and `#/…`), or
   * null for a rule outside the schema (a product id the product tree does not define, …).
   */
  schemaPath: string | null;
  /** What is wrong, in English (logs and library callers). */
  message: string;
  /** The same as a message key of ../messages.ts, worded in the reader's language. */
  code: CsafIssueCode;
  params: MessageParams;
}

/** The message keys of one issue (`advisories.csaf_rule` words a schema rule's reason). */
export type CsafIssueCode =
  | 'advisories.csaf_rule'
  | 'advisories.csaf_product_undefined'
  | 'advisories.csaf_group_undefined'
  | 'advisories.csaf_product_defined_before'
  | 'advisories.csaf_group_defined_before';

/** Why a document is refused: a message key of ../messages.ts (`advisories.csaf_*`). */
export type CsafRefusalCode =
  | 'advisories.csaf_empty'
  | 'advisories.csaf_too_large'
  | 'advisories.csaf_encoding_utf16'
  | 'advisories.csaf_encoding_invalid'
  | 'advisories.csaf_binary'
  | 'advisories.csaf_markup'
  | 'advisories.csaf_json_syntax'
  | 'advisories.csaf_json_syntax_unplaced'
  | 'advisories.csaf_too_deep'
  | 'advisories.csaf_not_object'
  | 'advisories.csaf_version_unsupported'
  | 'advisories.csaf_schema'
  | 'advisories.csaf_product_duplicate'
  | 'advisories.csaf_group_duplicate'
  | 'advisories.csaf_product_unknown'
  | 'advisories.csaf_group_unknown';

/** At most this many issues are kept in a refusal; `total` counts them all. */
export const MAX_ISSUES = 100;

/**
 * A CSAF document that cannot be taken in. It is an AppError (400; 413 when too large), so that an
 * HTTP route may let it through to problem+json: each issue becomes a field error whose path is
 * the instance path and whose message names the schema rule.
 */
export class CsafRefused extends AppError {
  declare readonly code: CsafRefusalCode;
  /** The first MAX_ISSUES issues, in document order as found. */
  readonly issues: CsafIssue[];
  /** How many issues there were in all. */
  readonly total: number;

  constructor(code: CsafRefusalCode, params: MessageParams = {}, issues: CsafIssue[] = []) {
    const kept = issues.slice(0, MAX_ISSUES);
    super(
      code === 'advisories.csaf_too_large' ? 413 : 400,
      code,
      params,
      kept.map((i) => ({
        path: i.instancePath,
        message: i.schemaPath ? `${i.message} [${i.schemaPath}]` : i.message,
        code: i.code,
        params: i.params,
      })),
    );
    this.name = 'CsafRefused';
    this.issues = kept;
    this.total = issues.length;
  }
}
