import { Alert, Paper, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { type ReactNode, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportStatus } from './imports';

/**
 * The outcome's heading: it takes the focus when it appears, so that keyboard and screen-reader
 * users land on the result of the import.
 */
export function OutcomeHeading({ children, color }: { children: string; color?: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <Title order={2} size="h3" ref={heading} tabIndex={-1} className="vaern-page-title" c={color}>
      {children}
    </Title>
  );
}

/**
 * The phase line (announced) and, while the import runs, its progress bar. `describe` words the
 * running phase (the phase's name is given translated) with what has been read so far.
 */
export function ImportProgress(props: {
  status: ImportStatus | undefined;
  finished: boolean;
  running: boolean;
  describe(phase: string, processed: number): string;
}) {
  const { t } = useTranslation();
  const phase = props.status?.phase ?? 'queued';
  return (
    <Stack gap="xs">
      <Text role="status" data-testid="import-phase">
        {props.finished
          ? t('imports.done')
          : props.describe(
              t(`imports.phases.${phase}`, { defaultValue: phase }),
              props.status?.processed ?? 0,
            )}
      </Text>
      {props.running && (
        <Progress
          value={Math.round((props.status?.progress ?? 0) * 100)}
          aria-label={t('imports.progress')}
          animated
        />
      )}
    </Stack>
  );
}

/** An import that failed on our side: nothing was changed. */
export function ImportFailed() {
  const { t } = useTranslation();
  return (
    <Alert color="red" title={t('imports.failed')} role="alert">
      <OutcomeHeading>{t('imports.failedText')}</OutcomeHeading>
    </Alert>
  );
}

/**
 * A refused file: `intro` says what was refused and how many errors, then the table of errors by
 * row (or line: `rowLabel`) and column.
 */
export function ImportRefused(props: { status: ImportStatus; intro: ReactNode; rowLabel?: string }) {
  const { t } = useTranslation();
  const { status } = props;
  return (
    <Paper withBorder p="md" data-testid="import-refused">
      <OutcomeHeading color="red.9">{t('imports.refused')}</OutcomeHeading>
      <Text mt="xs">
        {props.intro}
        {status.errors > status.error_list.length &&
          ` ${t('imports.firstErrors', { count: status.error_list.length })}`}
      </Text>
      <Table.ScrollContainer minWidth={600} mt="sm">
        <Table striped data-testid="import-errors">
          <caption>{t('imports.errorsCaption')}</caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{props.rowLabel ?? t('imports.row')}</Table.Th>
              <Table.Th scope="col">{t('imports.column')}</Table.Th>
              <Table.Th scope="col">{t('imports.message')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {status.error_list.map((e, i) => (
              // Errors have no id; their order is the server's (by row) and never changes.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <Table.Tr key={i} data-testid="import-error">
                <Table.Td>{e.row ?? '—'}</Table.Td>
                <Table.Td>{e.column ?? t('imports.wholeRow')}</Table.Td>
                <Table.Td>{e.message}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
