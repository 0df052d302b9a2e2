import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Tx } from '../../db/tenant.js';
import { randomToken, sha256Hex } from '../../lib/crypto.js';
import { notFound } from '../../lib/errors.js';
import { readSetting } from '../settings/registry.js';
import { formatExpiry, sendPeopleMail } from './mailing.js';

/** What an admin or a granting organisation gets back after a link was issued. */
export interface IssuedLink {
  /** The link was e-mailed to the person. */
  sent: boolean;
  /** The link itself, only when no mail could be sent (no SMTP): to hand over another way. */
  link?: string;
  expires_at: string;
}

/** The page of the web app that takes a reset or set-up token (in the fragment, never sent to a server log). */
export const resetLinkOf = (ctx: AppContext, token: string): string =>
  `${ctx.config.publicUrl}/reset-password#token=${token}`;

type AdminPurpose = 'admin_reset' | 'setup';

const MAILS: Record<AdminPurpose, { subject: string; text: string }> = {
  admin_reset: { subject: 'people.mail.admin_reset_subject', text: 'people.mail.admin_reset_text' },
  setup: { subject: 'people.mail.setup_subject', text: 'people.mail.setup_text' },
};

/**
 * Issues a single-use link through the reset table (vaern_reset_issue re-checks that the person
 * is a member of one of the transaction's organisations), valid for password_reset_ttl_minutes;
 * earlier links of the person stop working. With SMTP the link is mailed before the caller's
 * transaction commits (a refused mail throws 502 mail.send_failed and rolls everything back);
 * without SMTP it is returned for the caller to show.
 */
export async function issueAdminLink(
  tx: Tx,
  ctx: AppContext,
  opts: {
    userId: string;
    email: string;
    name: string;
    locale: 'da' | 'en';
    orgName: string;
    purpose: AdminPurpose;
  },
): Promise<IssuedLink> {
  const token = randomToken(32);
  const ttl = await readSetting(tx, 'password_reset_ttl_minutes');
  const r = await sql<{ expires: Date | null }>`
    select vaern_reset_issue(${opts.userId}::uuid, ${sha256Hex(token)}, ${opts.purpose}, ${ttl}::integer) as expires`.execute(
    tx.q,
  );
  const expires = r.rows[0]?.expires;
  if (!expires) throw notFound();
  const expiresAt = new Date(expires);
  const link = resetLinkOf(ctx, token);
  if (!ctx.mailer.configured) return { sent: false, link, expires_at: expiresAt.toISOString() };
  const mail = MAILS[opts.purpose];
  await sendPeopleMail(ctx, {
    to: opts.email,
    locale: opts.locale,
    subject: mail.subject,
    text: mail.text,
    params: { name: opts.name, org: opts.orgName, link, expires: formatExpiry(expiresAt) },
  });
  return { sent: true, expires_at: expiresAt.toISOString() };
}

/**
 * A set-up link for an account created without a password (e.g. for an auditor grant): the
 * person chooses a password through the same page and table as a reset (purpose 'setup'); the
 * mail says that an account was created for them by `orgName`. Call it inside the transaction
 * that created the account and its membership, scoped to the organisation.
 */
export function issueSetupLink(
  tx: Tx,
  ctx: AppContext,
  opts: { userId: string; email: string; locale: 'da' | 'en'; orgName: string },
): Promise<IssuedLink> {
  return issueAdminLink(tx, ctx, { ...opts, name: opts.email, purpose: 'setup' });
}
