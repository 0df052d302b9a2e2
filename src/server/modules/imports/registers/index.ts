import { advisoryImport } from '../../advisories/import-advisory.js';
import { inventoryImports } from '../../inventory/imports.js';
import { epssImport } from '../../vulnerabilities/epss-import.js';
import { kevImport } from '../../vulnerabilities/kev-import.js';
import { scanImport } from '../../vulnerabilities/scan-import.js';
import type { ImportDefinition } from '../framework.js';
import { usersImport } from './users.js';

/**
 * Every import the instance offers, by kind. A register or scanner of another module plugs in by
 * adding its definition here (one line); docs/imports.md describes the contract.
 */
export const importDefinitions: readonly ImportDefinition[] = [
  usersImport,
  ...inventoryImports,
  kevImport,
  epssImport,
  scanImport,
  advisoryImport,
];

const byKind = new Map<string, ImportDefinition>();
for (const def of importDefinitions) {
  if (byKind.has(def.kind)) throw new Error(`import kind ${def.kind} defined twice`);
  byKind.set(def.kind, def);
}

export const findImportDefinition = (kind: string): ImportDefinition | undefined => byKind.get(kind);
