import { DEMO_SECTOR_SLUG, DemoAlreadyLoadedError, demoSectorLoaded, seedDemo } from '../../seeds/demo.js';
import { loadConfig } from '../../server/config.js';
import { connect } from '../client.js';
import type { Command, Io } from '../command.js';
import { CliError } from '../errors.js';
import { sayDemoLogins } from '../first-start.js';

/** Loading the demo twice is not an error: the wanted state holds, nothing changes (exit 0). */
function alreadyLoaded(io: Io): number {
  io.emit({ loaded: false, reason: 'already_loaded' });
  io.say(new DemoAlreadyLoadedError().message);
  io.say('Nothing changed. The demo logins are listed in README.md.');
  return 0;
}

export const seedDemoCommand: Command = {
  name: 'seed demo',
  summary: 'Load the demo sector (organisations and one login per role); demo only',
  usage: '[--force]',
  help: [
    '--force   required on a PostgreSQL server (DATABASE_URL): the demo logins have public passwords',
    'Already loaded: says so and exits 0 (nothing changes). The first start of an embedded database',
    'loads the demo by itself; run this when the database was created otherwise.',
  ],
  options: { force: { type: 'boolean' } },
  async run({ values, io }) {
    const config = loadConfig();
    if (config.mode === 'server' && values.force !== true) {
      throw new CliError(
        'Refusing to load the demo sector into a PostgreSQL server (DATABASE_URL is set): its logins have public passwords. Add --force if this database is for trying Værn out.',
      );
    }
    const client = await connect(config);
    try {
      const runtime = client.runtime;
      if (!runtime) {
        // A server holds the embedded database: it can say whether the demo is there, not load it.
        const unit = await client.request('GET', `/api/v1/orgs/${DEMO_SECTOR_SLUG}`);
        if (unit.status === 200) return alreadyLoaded(io);
        throw new CliError(
          `A server is running on ${config.dataDir}. The demo seed needs the database itself: stop the server, run \`vaern seed demo\`, and start it again.`,
        );
      }
      if (await demoSectorLoaded(runtime.ctx)) return alreadyLoaded(io);
      const { logins } = await seedDemo(runtime.ctx);
      io.emit({
        loaded: true,
        logins: logins.map((l) => ({
          role: l.role,
          email: l.email,
          password: l.password,
          org: l.org,
          totp_secret: l.totpSecret ?? null,
        })),
      });
      io.say('Loaded the demo sector. Demo logins:');
      sayDemoLogins(io, logins);
      return 0;
    } finally {
      await client.close();
    }
  },
};
