import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const SERVER = {
  DATABASE_URL: 'postgres://vaern@localhost/vaern',
  VAERN_SECRET: 'config-test-secret-config-test-secret-01',
};

describe('the job supervision settings', () => {
  it('default to a 120 s import heartbeat and a supervisor pass every 60 s', () => {
    const c = loadConfig(SERVER);
    expect([c.importHeartbeatSeconds, c.jobsSuperviseSeconds]).toEqual([120, 60]);
  });

  it('take whole seconds from the environment', () => {
    const c = loadConfig({
      ...SERVER,
      VAERN_IMPORT_HEARTBEAT_SECONDS: '30',
      VAERN_JOBS_SUPERVISE_SECONDS: '5',
    });
    expect([c.importHeartbeatSeconds, c.jobsSuperviseSeconds]).toEqual([30, 5]);
  });

  it.each([
    ['VAERN_IMPORT_HEARTBEAT_SECONDS', '9'],
    ['VAERN_IMPORT_HEARTBEAT_SECONDS', '2.5'],
    ['VAERN_IMPORT_HEARTBEAT_SECONDS', 'soon'],
    ['VAERN_JOBS_SUPERVISE_SECONDS', '0'],
    ['VAERN_JOBS_SUPERVISE_SECONDS', '3601'],
  ])('refuse %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ ...SERVER, [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...SERVER, [name]: value })).toThrow(name);
  });
});
