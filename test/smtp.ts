import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface ReceivedMail {
  envelope_to: string[];
  from: string;
  to: string;
  subject: string;
  text: string;
  /** The Message-ID header, with its angle brackets. */
  message_id: string;
}

export interface SmtpServer {
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  url: string;
  received: ReceivedMail[];
  /** The first message to `to` (and matching `match`, when given), waiting up to 10 s for it. */
  waitFor(to: string, match?: (m: ReceivedMail) => boolean): Promise<ReceivedMail>;
  stop(): Promise<void>;
}

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'smtp-server.mjs');

/** Starts a real SMTP server in its own process (test/smtp-server.mjs). */
export async function startSmtpServer(): Promise<SmtpServer> {
  const child: ChildProcess = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const received: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      const value = JSON.parse(line) as { port?: number } & ReceivedMail;
      if (value.port !== undefined) return resolve(value.port);
      received.push(value);
      for (const w of waiters) w();
    });
    child.once('exit', (code) => reject(new Error(`SMTP server exited with ${code}`)));
    child.once('error', reject);
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    waitFor(to, match = () => true) {
      const find = () =>
        received.find((m) => m.envelope_to.some((e) => e.toLowerCase() === to.toLowerCase()) && match(m));
      const found = find();
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = find();
          if (!m) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(m);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no mail to ${to} within 10 s (received ${received.length})`));
        }, 10_000);
        waiters.add(check);
      });
    },
    stop() {
      return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}
