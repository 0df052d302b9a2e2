import type { Command } from '../command.js';
import { auditVerify } from './audit.js';
import { backupCommand, restoreCommand } from './backup.js';
import { importCommand } from './import.js';
import { orgCreate, orgList } from './org.js';
import { seedDemoCommand } from './seed.js';
import { migrateCommand, serveCommand, workerCommand } from './serve.js';
import { tokenCreate, tokenRevoke } from './token.js';
import { userCreate, userList } from './user.js';

/** Every `vaern` command, in the order `vaern --help` lists them. */
export const commands: Command[] = [
  serveCommand,
  workerCommand,
  migrateCommand,
  seedDemoCommand,
  orgCreate,
  orgList,
  userCreate,
  userList,
  tokenCreate,
  tokenRevoke,
  importCommand,
  auditVerify,
  backupCommand,
  restoreCommand,
];
