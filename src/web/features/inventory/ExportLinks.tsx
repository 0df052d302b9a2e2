import { Anchor, Button, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Register } from './access';

export const TABLE_FORMATS = ['csv', 'xlsx'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

const inventoryPath = (org: string) => `/api/v1/orgs/${encodeURIComponent(org)}/inventory`;

/** Where a register's export is downloaded (the session's cookie authenticates the GET). */
export const exportHref = (org: string, register: Register, format: TableFormat) =>
  `${inventoryPath(org)}/export/${register}.${format}`;

/** Where a register's template is downloaded. */
export const templateHref = (org: string, register: Register, format: TableFormat) =>
  `${inventoryPath(org)}/templates/${register}.${format}`;

/**
 * Buttons that download a register as CSV and XLSX, in the template's columns, so that the file
 * can be edited and imported again (docs/inventory.md, "Export").
 */
export function ExportButtons({ org, registers }: { org: string; registers: readonly Register[] }) {
  const { t } = useTranslation();
  return (
    <Group gap="xs" data-testid="export-buttons">
      {registers.flatMap((register) =>
        TABLE_FORMATS.map((format) => (
          <Button
            key={`${register}.${format}`}
            component="a"
            href={exportHref(org, register, format)}
            download
            variant="default"
            size="xs"
            data-testid={`export-${register}-${format}`}
          >
            {t('inventory.export.button', {
              register: t(`inventory.registers.${register}`).toLowerCase(),
              format: format.toUpperCase(),
            })}
          </Button>
        )),
      )}
    </Group>
  );
}

/** The template of a register in both formats, as links. */
export function TemplateLinks({ org, register }: { org: string; register: Register }) {
  const { t } = useTranslation();
  const name = t(`inventory.registers.${register}`);
  return (
    <Group gap="md">
      {TABLE_FORMATS.map((format) => (
        <Anchor
          key={format}
          href={templateHref(org, register, format)}
          download={`${register}.${format}`}
          data-testid={format === 'csv' ? 'template-link' : `template-link-${format}`}
        >
          {t('inventory.import.template', { register: name, format: format.toUpperCase() })}
        </Anchor>
      ))}
    </Group>
  );
}
