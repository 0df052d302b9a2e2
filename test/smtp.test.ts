import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../src/server/lib/mail.js';
import { type SmtpServer, startSmtpServer } from './smtp.js';

describe('mail over a real SMTP server process', () => {
  let smtp: SmtpServer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(() => smtp.stop());

  it('delivers a Danish message intact', async () => {
    const mailer = createMailer({ smtpUrl: smtp.url, mailFrom: 'Værn <noreply@vaern.test>' });
    await mailer.send({ to: 'Ærø@Example.org', subject: 'Invitation til Værn', text: 'Åbn linket: æøå' });
    mailer.close();
    const mail = await smtp.waitFor('ærø@example.org');
    expect(mail.subject).toBe('Invitation til Værn');
    expect(mail.text.trim()).toBe('Åbn linket: æøå');
    expect(mail.from).toContain('noreply@vaern.test');
  });

  it('is not configured without SMTP_URL and refuses to pretend it sent', async () => {
    const mailer = createMailer({ smtpUrl: undefined, mailFrom: 'x@y' });
    expect(mailer.configured).toBe(false);
    await expect(mailer.send({ to: 'a@b.c', subject: 's', text: 't' })).rejects.toThrow(/SMTP_URL/);
  });

  it('rejects when the server cannot be reached', async () => {
    const mailer = createMailer({ smtpUrl: 'smtp://127.0.0.1:1', mailFrom: 'x@y' });
    await expect(mailer.send({ to: 'a@b.c', subject: 's', text: 't' })).rejects.toThrow();
    mailer.close();
  });
});
