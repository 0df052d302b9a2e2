import { List, Paper, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ImportFailed, ImportRefused, OutcomeHeading } from '../../components/ImportReport';
import type { ScanImportStatus } from './access';
import { InventoryLink } from './links';

const FIGURES = ['new', 'still_open', 'reopened', 'closed', 'informational', 'unmapped_hosts'] as const;

/** A scan import's outcome: its figures and unmapped hosts, or the error report. */
export function ScanSummary({ org, status }: { org: string; status: ScanImportStatus }) {
  const { t, i18n } = useTranslation();
  const number = new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : 'da-DK');
  if (status.status === 'failed') return <ImportFailed />;
  if (status.status === 'refused') {
    return (
      <ImportRefused
        status={status}
        rowLabel={t('findings.import.line')}
        intro={t('findings.import.refusedText', { count: status.errors })}
      />
    );
  }
  const hosts = status.unmapped_host_names ?? [];
  return (
    <Paper withBorder p="md" data-testid="import-summary">
      <OutcomeHeading>{t('findings.import.succeeded')}</OutcomeHeading>
      <Table mt="sm" maw={460} captionSide="top">
        <Table.Caption ta="left">
          {t('findings.import.figuresCaption', { file: status.file_name ?? '' })}
        </Table.Caption>
        <Table.Tbody>
          {FIGURES.map((k) => (
            <Table.Tr key={k}>
              <Table.Th scope="row">{t(`findings.import.figures.${k}`)}</Table.Th>
              <Table.Td data-testid={`scan-${k}`}>{number.format(status[k] ?? 0)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {hosts.length > 0 && (
        <>
          <Title order={3} size="h5" mt="md">
            {t('findings.import.unmappedHeading')}
          </Title>
          <Text size="sm">
            {t('findings.import.unmappedHint')}{' '}
            <InventoryLink org={org}>{t('findings.hosts.toInventory')}</InventoryLink>
          </Text>
          <List size="sm" mt="xs" data-testid="scan-unmapped-names">
            {hosts.map((h) => (
              <List.Item key={h}>{h}</List.Item>
            ))}
          </List>
          {(status.unmapped_hosts ?? 0) > hosts.length && (
            <Text size="sm" mt="xs">
              {t('findings.import.moreHosts', { count: (status.unmapped_hosts ?? 0) - hosts.length })}
            </Text>
          )}
        </>
      )}
    </Paper>
  );
}
