import { parseArgs } from 'node:util';
import { ConfigError } from '../server/config.js';
import { DataDirInUseError } from '../server/db/lock.js';
import type { Command, Io } from './command.js';
import { commands } from './commands/index.js';
import { CliError, UsageError } from './errors.js';

function makeIo(json: boolean): Io {
  return {
    json,
    say: (text) => {
      if (!json) process.stdout.write(`${text}\n`);
    },
    emit: (value) => {
      if (json) process.stdout.write(`${JSON.stringify(value)}\n`);
    },
    warn: (text) => process.stderr.write(`${text}\n`),
    readStdin: async () => {
      if (process.stdin.isTTY) throw new UsageError('the password is read from stdin: pipe it in');
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks)
        .toString('utf8')
        .replace(/\r?\n$/, '');
    },
  };
}

function usageOf(cmd: Command): string {
  const lines = [`Usage: vaern ${cmd.name} ${cmd.usage}`.trimEnd(), '', cmd.summary];
  if (cmd.help?.length) lines.push('', ...cmd.help.map((h) => `  ${h}`));
  lines.push('', '  --json   print one JSON document instead of text', '  --help   show this help');
  return lines.join('\n');
}

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: vaern <command> [options]',
    '',
    'Værn: the health sector security platform. Commands:',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --help and --json. Exit codes: 0 ok, 1 failure, 2 usage.',
    'Configuration comes from the environment: DATABASE_URL, VAERN_DATA_DIR, VAERN_SECRET, PORT, SMTP_URL, VAERN_PUBLIC_URL.',
  ].join('\n');
}

/** Finds the longest command name that prefixes argv. */
function findCommand(argv: string[]): { cmd: Command; rest: string[] } | undefined {
  const words = [];
  for (const a of argv) {
    if (a.startsWith('-')) break;
    words.push(a);
  }
  for (let n = Math.min(words.length, 3); n > 0; n--) {
    const name = words.slice(0, n).join(' ');
    const cmd = commands.find((c) => c.name === name);
    if (cmd) return { cmd, rest: argv.slice(n) };
  }
  return undefined;
}

export async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
    process.stdout.write(`${overview()}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    process.stderr.write(
      `Unknown command: ${argv.filter((a) => !a.startsWith('-')).join(' ')}\n\n${overview()}\n`,
    );
    return 2;
  }
  const { cmd, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${usageOf(cmd)}\n`);
    return 0;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...cmd.options, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    const [min, max] = cmd.positionals ?? [0, 0];
    if (parsed.positionals.length < min || parsed.positionals.length > max) {
      throw new UsageError(
        max === 0
          ? `unexpected argument: ${parsed.positionals[0]}`
          : `expected ${min === max ? min : `${min}–${max}`} argument(s)`,
      );
    }
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usageOf(cmd)}\n`);
    return 2;
  }
  const io = makeIo(json);
  try {
    return await cmd.run({
      values: parsed.values as Record<string, string | boolean | string[] | undefined>,
      positionals: parsed.positionals,
      io,
    });
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${usageOf(cmd)}\n`);
      return 2;
    }
    const known =
      error instanceof CliError || error instanceof ConfigError || error instanceof DataDirInUseError;
    const message = known ? (error as Error).message : `unexpected error: ${(error as Error).stack ?? error}`;
    if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: message })}\n`);
    process.stderr.write(`${message}\n`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
// Exit once output is flushed: an open pool or timer must not keep a finished command alive.
process.stdout.write('', () => process.exit(code));
