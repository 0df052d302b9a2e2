import type { AppContext } from '../../context.js';
import { AppError } from '../../lib/errors.js';
import { type Locale, type MessageParams, translate } from '../../lib/messages.js';
import './messages.js';

/** `2026-11-22 14:32 UTC`: a link's expiry as people read it in a mail. */
export const formatExpiry = (d: Date): string => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * Sends one of the module's mails (subject and text keys of messages.ts) in the person's
 * language. Callers send before their transaction commits, so a refused mail stores nothing:
 * the failure becomes 502 mail.send_failed. The link in the text is never logged.
 */
export async function sendPeopleMail(
  ctx: AppContext,
  mail: { to: string; locale: Locale; subject: string; text: string; params: MessageParams },
): Promise<void> {
  try {
    await ctx.mailer.send({
      to: mail.to,
      subject: translate(mail.subject, mail.locale),
      text: translate(mail.text, mail.locale, mail.params),
    });
  } catch (error) {
    ctx.log.error({ err: (error as Error).message, to: mail.to, mail: mail.subject }, 'mail not sent');
    throw new AppError(502, 'mail.send_failed');
  }
}
