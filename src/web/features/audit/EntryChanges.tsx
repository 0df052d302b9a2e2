import { Code, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from './filters';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const show = (v: unknown) => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/**
 * An entry's before and after values side by side, one row per field; changed fields are marked.
 * Values that are not objects are shown as one row.
 */
export function EntryChanges({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const { before, after } = entry;
  if (before === null && after === null) return <Text size="sm">{t('audit.noValues')}</Text>;
  const rows: Array<{ field: string; before: unknown; after: unknown }> =
    (isRecord(before) || before === null) && (isRecord(after) || after === null)
      ? [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].map((field) => ({
          field,
          before: before?.[field],
          after: after?.[field],
        }))
      : [{ field: '', before, after }];
  return (
    <Table
      withTableBorder
      withColumnBorders
      data-testid="entry-changes"
      aria-label={t('audit.changesLabel', { seq: entry.seq })}
    >
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">{t('audit.field')}</Table.Th>
          <Table.Th scope="col">{t('audit.before')}</Table.Th>
          <Table.Th scope="col">{t('audit.after')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => {
          const changed = show(row.before) !== show(row.after);
          return (
            <Table.Tr key={row.field}>
              <Table.Th scope="row" fw={changed ? 700 : 400}>
                {row.field || t('audit.value')}
                {changed && <Text span size="xs" c="dimmed">{` (${t('audit.changed')})`}</Text>}
              </Table.Th>
              <Table.Td>
                <Code block>{before === null ? '—' : show(row.before) || '—'}</Code>
              </Table.Td>
              <Table.Td>
                <Code block>{after === null ? '—' : show(row.after) || '—'}</Code>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
