import { loadConfig } from '../../server/config.js';
import { migrate } from '../../server/db/migrate.js';
import { serve } from '../../server/main.js';
import { openRuntime } from '../../server/runtime.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';

function portOption(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0–65535');
  return port;
}

/** Resolves on SIGINT or SIGTERM. */
const untilSignal = () =>
  new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the web app and API (and run background jobs unless --no-worker)',
  usage: '[--port <port>] [--no-worker]',
  help: [
    '--port        default $PORT or 8080',
    '--no-worker   leave background jobs to `vaern worker` processes',
  ],
  options: { port: { type: 'string' }, 'no-worker': { type: 'boolean' } },
  async run({ values, io }) {
    const config = loadConfig(process.env, { port: portOption(values.port) });
    const { onFirstStart } = await import('../first-start.js');
    const server = await serve(config, {
      port: config.port,
      worker: values['no-worker'] !== true,
      logger: !io.json,
      onFirstStart: (runtime) => onFirstStart(runtime, io),
    });
    io.emit({ url: server.url, database: config.mode, socket: server.socket ?? null });
    io.say(
      `Værn is running on ${server.url} (${config.mode === 'embedded' ? `embedded database in ${config.dataDir}` : 'PostgreSQL'})`,
    );
    io.say(`API documentation: ${server.url}/api/docs`);
    const signal = await untilSignal();
    io.warn(`${signal}: shutting down`);
    await server.close();
    return 0;
  },
};

export const workerCommand: Command = {
  name: 'worker',
  summary: 'Run background jobs in a process of its own',
  usage: '',
  options: {},
  async run({ io }) {
    const runtime = await openRuntime(loadConfig(), { role: 'worker', logger: !io.json });
    await runtime.ctx.jobs.work();
    io.say('Worker running; stop it with Ctrl-C.');
    await untilSignal();
    await runtime.close();
    return 0;
  },
};

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Create the roles and apply pending database migrations',
  usage: '',
  options: {},
  async run({ io }) {
    const runtime = await openRuntime(loadConfig(), { role: 'cli', migrate: false, jobs: false });
    try {
      const result = await migrate(runtime.ctx.db);
      io.emit(result);
      io.say(
        result.applied.length
          ? `Applied ${result.applied.join(', ')}`
          : `Database is current (${result.current})`,
      );
      return 0;
    } finally {
      await runtime.close();
    }
  },
};
