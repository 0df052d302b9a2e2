import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { Config } from '../config.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** A stable Message-ID (`<id@host>`): a message sent again after a retry keeps it. */
  messageId?: string;
  headers?: Record<string, string>;
}

/**
 * Outgoing mail over SMTP (SMTP_URL). Without SMTP the mailer is not configured: callers then
 * show the link to the person who asked for it instead of sending it (invitations, resets).
 */
export interface Mailer {
  readonly configured: boolean;
  /** Sends one message; rejects with the SMTP error when the server refuses or cannot be reached. */
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom'>): Mailer {
  if (!config.smtpUrl) {
    return {
      configured: false,
      async send() {
        throw new Error('SMTP is not configured (SMTP_URL)');
      },
      close() {},
    };
  }
  const options: SMTPPool.Options & { url: string } = {
    url: config.smtpUrl,
    // A few connections kept open and reused: bulk sending (alert delivery) does not open one per
    // message; idle ones are closed by the server or by close().
    pool: true,
    maxConnections: 10,
    maxMessages: 1000,
    // A request that sends mail must not hang on an unreachable server.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  };
  const transport = nodemailer.createTransport(options, { from: config.mailFrom });
  return {
    configured: true,
    async send(message) {
      await transport.sendMail({
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.messageId ? { messageId: message.messageId } : {}),
        ...(message.headers ? { headers: message.headers } : {}),
      });
    },
    close() {
      transport.close();
    },
  };
}
