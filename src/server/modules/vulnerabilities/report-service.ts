import type { AppContext } from '../../context.js';
import { scopeOf, type Tx, withTenant } from '../../db/tenant.js';
import type { OrgRef } from '../../http/types.js';
import type { Actor } from '../../lib/actor.js';
import { sha256Hex } from '../../lib/crypto.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../lib/errors.js';
import type { Locale } from '../../lib/messages.js';
import { MFA_SECRET_PURPOSE, openSecret } from '../../lib/secretbox.js';
import { recordAudit } from '../audit/record.js';
import { matchTotp } from '../auth/factors.js';
import * as authQ from '../auth/queries.js';
import { gatherReport, parseQuarter, type Quarter } from './report-data.js';
import './report-messages.js';
import { renderReportPdf } from './report-pdf.js';
import { reportPolicy } from './report-policy.js';
import * as q from './report-queries.js';
import type { SignedReport } from './report-schemas.js';

const present = (row: q.ReportRow): SignedReport => ({
  id: row.id,
  quarter: row.quarter,
  lang: row.lang as Locale,
  signer: { id: row.signer_id, name: row.signer_name, email: row.signer_email },
  signed_at: new Date(row.signed_at).toISOString(),
  sha256: row.sha256,
  size: Number(row.size),
});

/** The quarter, when it is well formed and has begun (by the database's date). */
async function quarterOf(tx: Tx, label: string): Promise<Quarter> {
  const quarter = parseQuarter(label);
  const { today } = await q.clock(tx);
  if (!quarter || quarter.start > today || quarter.start < '2000-01-01')
    throw badRequest('findings_report.quarter_invalid');
  return quarter;
}

function authoriseRead(actor: Actor, orgId: string) {
  if (!reportPolicy.read(actor, orgId)) throw forbidden();
}

/** The draft PDF of a quarter, generated now (not signed); the export is audited. */
export async function draftReport(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  quarter: string;
  lang: Locale;
}) {
  const { ctx, actor, org } = opts;
  authoriseRead(actor, org.id);
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const quarter = await quarterOf(tx, opts.quarter);
    const pdf = await renderReportPdf(await gatherReport(tx, org, quarter), opts.lang, undefined);
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'findings.report_draft',
      targetType: 'vulnerability_report',
      targetId: quarter.label,
      after: { quarter: quarter.label, lang: opts.lang, sha256: sha256Hex(pdf), size: pdf.length },
    });
    return { pdf, fileName: `vaern-${org.slug}-${quarter.label}-draft-${opts.lang}.pdf` };
  });
}

type SignOutcome =
  | { kind: 'ok'; value: SignedReport }
  | { kind: 'no_mfa' }
  | { kind: 'locked'; until: Date }
  | { kind: 'invalid' }
  | { kind: 'replayed' };

/**
 * Management signs the quarter's report (DESIGN.md, "Signing"), exactly as the inventory
 * confirmation (scorecard/service.ts confirmInventory): a person with the management role
 * re-enters a current TOTP code (each time step accepted once, shared with sign-in; wrong codes
 * count towards the sign-in lockout). The PDF is generated with the signer's name and time in it;
 * its exact bytes, their SHA-256, who and when are stored in one transaction with the audit entry.
 * A refused attempt commits its counted attempt and its audit entry, then answers 4xx.
 */
export async function signReport(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  quarter: string;
  lang: Locale;
  code: string;
}) {
  const { ctx, actor, org } = opts;
  const allowed = reportPolicy.sign(actor, org.id);
  if (allowed === 'not_a_person' || actor.kind !== 'user')
    throw forbidden('findings_report.sign_people_only');
  if (allowed === 'not_management') throw forbidden('findings_report.sign_management_only');
  const outcome = await withTenant(
    ctx.db.kysely,
    scopeOf(actor, org.id),
    async (tx): Promise<SignOutcome> => {
      const quarter = await quarterOf(tx, opts.quarter);
      const user = await authQ.findAuthUser(tx, actor.userId);
      if (!user?.mfa_secret || !user.mfa_enabled_at) return { kind: 'no_mfa' };
      if (!(await authQ.claimAttempt(tx, user.id))) {
        const until = (await authQ.findAuthUser(tx, user.id))?.locked_until ?? new Date();
        return { kind: 'locked', until };
      }
      const step = matchTotp(openSecret(ctx.config.secret, MFA_SECRET_PURPOSE, user.mfa_secret), opts.code);
      const claimed = step !== null && (await authQ.claimTotpStep(tx, user.id, step));
      if (!claimed) {
        const reason = step === null ? 'invalid_code' : 'replayed_code';
        await recordAudit(tx, ctx.anchors, {
          chain: org.id,
          actor,
          action: 'findings.report_sign_refused',
          targetType: 'vulnerability_report',
          targetId: quarter.label,
          after: { quarter: quarter.label, lang: opts.lang, reason },
        });
        return { kind: step === null ? 'invalid' : 'replayed' };
      }
      await authQ.recordLoginAttempt(tx, user.id, true);

      const signedAt = new Date().toISOString();
      const data = await gatherReport(tx, org, quarter);
      const pdf = await renderReportPdf(data, opts.lang, {
        name: user.name,
        email: user.email,
        signedAt,
      });
      const digest = sha256Hex(pdf);
      const row = await q.insertReport(tx, org.id, {
        quarter: quarter.label,
        lang: opts.lang,
        signer_id: user.id,
        signer_name: user.name,
        signer_email: user.email,
        signed_at: signedAt,
        sha256: digest,
        pdf,
      });
      await recordAudit(tx, ctx.anchors, {
        chain: org.id,
        actor,
        action: 'findings.report_sign',
        targetType: 'vulnerability_report',
        targetId: row.id,
        after: {
          quarter: quarter.label,
          lang: opts.lang,
          signed_at: signedAt,
          sha256: digest,
          size: pdf.length,
          open: data.openTotal,
          overdue: data.overdue.total,
          kev: data.kev.total,
          accepted: data.accepted.total,
        },
      });
      return { kind: 'ok', value: present(row) };
    },
  );
  switch (outcome.kind) {
    case 'ok':
      return outcome.value;
    case 'no_mfa':
      throw forbidden('findings_report.sign_needs_mfa');
    case 'locked':
      throw new AppError(403, 'auth.locked', {
        until: `${outcome.until.toISOString().slice(0, 19).replace('T', ' ')} UTC`,
      });
    case 'invalid':
      throw badRequest('findings_report.code_invalid');
    case 'replayed':
      throw conflict('findings_report.code_used');
  }
}

/** Signed reports, newest first (every version of every quarter). */
export async function listReports(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  limit: number;
  after: [string, string] | undefined;
  quarter?: string | undefined;
}) {
  authoriseRead(opts.actor, opts.org.id);
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), async (tx) =>
    (await q.listReports(tx, opts.org.id, opts.limit + 1, opts.after, opts.quarter)).map((row) => ({
      cursor: [row.signed_key, row.id],
      item: present(row),
    })),
  );
}

/** The exact bytes that were signed; the download is audited. */
export async function signedReportPdf(opts: { ctx: AppContext; actor: Actor; org: OrgRef; id: string }) {
  const { ctx, actor, org } = opts;
  authoriseRead(actor, org.id);
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const row = await q.findReportPdf(tx, org.id, opts.id);
    if (!row) throw notFound();
    const pdf = Buffer.from(row.pdf);
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'findings.report_download',
      targetType: 'vulnerability_report',
      targetId: row.id,
      after: { quarter: row.quarter, sha256: row.sha256 },
    });
    return {
      pdf,
      sha256: row.sha256,
      fileName: `vaern-${org.slug}-${row.quarter}-signed-${new Date(row.signed_at).toISOString().slice(0, 10)}.pdf`,
    };
  });
}
