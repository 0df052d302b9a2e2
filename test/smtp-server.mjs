// A real SMTP server process for tests (smtp-server + mailparser): listens on 127.0.0.1 on a free
// port, prints {"port": N} once it listens, then one JSON line per message it accepts.
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  size: 1024 * 1024,
  logger: false,
  onData(stream, session, callback) {
    simpleParser(stream)
      .then((mail) => {
        const line = {
          envelope_to: session.envelope.rcptTo.map((r) => r.address),
          from: mail.from?.text ?? '',
          to: mail.to
            ? [mail.to]
                .flat()
                .map((a) => a.text)
                .join(', ')
            : '',
          subject: mail.subject ?? '',
          text: mail.text ?? '',
          message_id: mail.messageId ?? '',
        };
        process.stdout.write(`${JSON.stringify(line)}\n`);
        callback();
      })
      .catch((error) => callback(error));
  },
});
// A client that disappears mid-session (a killed worker) resets its connection: the server goes on.
server.on('error', () => {});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.server.address().port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
