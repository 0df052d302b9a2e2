import { SMTPServer } from 'smtp-server';

/*
 * An SMTP sink for bench:alerts, run as a process of its own: a real SMTP server (the smtp-server
 * package, as in test/smtp-server.mjs) that accepts every message and prints {"port": N} once it
 * listens, then one line {"message_id": "<…>"} per accepted message. Unlike the tests' server it
 * does not parse the whole message (mailparser) nor look up the client's name: it reads the header
 * for the Message-ID, so the sink is not what limits the measured delivery rate.
 */

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  disableReverseLookup: true,
  size: 1024 * 1024,
  logger: false,
  onData(stream, _session, callback) {
    let head = '';
    stream.on('data', (chunk: Buffer) => {
      if (head.length < 65_536 && !head.includes('\r\n\r\n')) head += chunk.toString('latin1');
    });
    stream.on('end', () => {
      const header = head.split('\r\n\r\n')[0] ?? '';
      const id = /^message-id:\s*(<[^>\r\n]*>)/im.exec(header)?.[1] ?? '';
      process.stdout.write(`${JSON.stringify({ message_id: id })}\n`);
      callback();
    });
  },
});
// A client that disappears mid-session resets its connection: the sink goes on.
server.on('error', () => {});
server.listen(0, '127.0.0.1', () => {
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
