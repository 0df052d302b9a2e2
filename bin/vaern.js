#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('vaern is not built yet: run `npm install` (or `npm run build`) first.\n');
  process.exit(1);
}
await import(entry);
