import { type Column, emailCell, oneOfCell } from '../imports/tabular.js';
import { checkKey, checkSharedRef, csvColumn, type Field } from './fields.js';
import {
  componentFields,
  FROM_TYPES,
  processFields,
  supplierFields,
  systemFields,
  TO_TYPES,
} from './registers.js';

/**
 * The columns of each register's file, in order (docs/inventory.md): what its template shows, what
 * its import reads and the order in which a row's values are staged (imports/tabular.ts).
 */

const ownerColumn: Column = {
  name: 'owner_email',
  required: false,
  type: 'text',
  description: "E-mail address of the system's owner, a member of the organisation",
  parse: emailCell,
};

const sharedColumn: Column = {
  name: 'shared_system',
  required: false,
  type: 'text',
  description:
    'The shared record this system is the local use of: "<owner organisation slug>/<key>" of a system its owner shares',
  parse: checkSharedRef,
};

/** The `system` of a component: the key of a system in the register. */
const systemColumn: Column = {
  name: 'system',
  required: true,
  type: 'text',
  description: 'The key of the system the component belongs to',
  parse: checkKey,
};

/** The template columns of each register, in order, with their example cells. */
export interface TemplateColumn {
  column: Column;
  example: string;
}

const plain = (fields: readonly Field[]): TemplateColumn[] =>
  fields.map((f) => ({ column: csvColumn(f), example: f.example }));

const systemTemplate: TemplateColumn[] = (() => {
  const cols = plain(systemFields);
  cols.splice(2, 0, { column: ownerColumn, example: 'anne.holm@example.dk' });
  cols.push({ column: sharedColumn, example: '' });
  return cols;
})();

const componentTemplate: TemplateColumn[] = (() => {
  const cols = plain(componentFields);
  cols.splice(1, 0, { column: systemColumn, example: 'EPJ-01' });
  return cols;
})();

const dependencyTemplate: TemplateColumn[] = [
  {
    column: {
      name: 'from_type',
      required: true,
      type: 'text',
      description: 'What depends: process or system',
      parse: oneOfCell(FROM_TYPES),
    },
    example: 'process',
  },
  {
    column: {
      name: 'from_key',
      required: true,
      type: 'text',
      description: 'Its key',
      parse: checkKey,
    },
    example: 'PROC-AKUT',
  },
  {
    column: {
      name: 'to_type',
      required: true,
      type: 'text',
      description: 'What it depends on: system, or supplier (for a system)',
      parse: oneOfCell(TO_TYPES),
    },
    example: 'system',
  },
  {
    column: { name: 'to_key', required: true, type: 'text', description: 'Its key', parse: checkKey },
    example: 'EPJ-01',
  },
];

export const TEMPLATES = {
  systems: systemTemplate,
  components: componentTemplate,
  processes: plain(processFields),
  suppliers: plain(supplierFields),
  dependencies: dependencyTemplate,
} as const;
export type TemplateName = keyof typeof TEMPLATES;

/** A register's template: the header and one example row, semicolon-separated. */
export function templateCsv(name: TemplateName): string {
  const cols = TEMPLATES[name];
  const cell = (v: string) => (/[;"\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return `${cols.map((c) => c.column.name).join(';')}\r\n${cols.map((c) => cell(c.example)).join(';')}\r\n`;
}
