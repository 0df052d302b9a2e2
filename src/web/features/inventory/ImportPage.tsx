import { Button, Group, Input, Paper, Radio, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useOrg } from '../../app/org';
import { useFullSession } from '../../app/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ImportFailed, ImportProgress, ImportRefused, OutcomeHeading } from '../../components/ImportReport';
import { type ImportStatus, importFinished, uploadImport, useImportStatus } from '../../components/imports';
import { PageTitle } from '../../components/PageTitle';
import { canWriteInventory, REGISTERS, type Register } from './access';
import { TemplateLinks } from './ExportLinks';
import { InventoryButton, InventoryLink } from './links';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The media type the import framework reads the file by: XLSX for a workbook (by its name or the
 * type the browser gives it), CSV otherwise.
 */
function uploadType(file: File): string {
  return file.type === XLSX_TYPE || /\.xlsx$/i.test(file.name) ? XLSX_TYPE : 'text/csv';
}

function Summary({ status }: { status: ImportStatus }) {
  const { t, i18n } = useTranslation();
  const number = new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : 'da-DK');
  if (status.status === 'succeeded') {
    return (
      <Paper withBorder p="md" data-testid="import-summary">
        <OutcomeHeading>{t('inventory.import.succeeded')}</OutcomeHeading>
        <Table mt="sm" maw={420}>
          <Table.Tbody>
            {(['rows', 'created', 'updated', 'unchanged'] as const).map((k) => (
              <Table.Tr key={k}>
                <Table.Th scope="row">{t(`inventory.import.counts.${k}`)}</Table.Th>
                <Table.Td data-testid={`import-${k}`}>{number.format(status[k])}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    );
  }
  if (status.status === 'failed') return <ImportFailed />;
  return (
    <ImportRefused
      status={status}
      intro={t('inventory.import.refusedText', { count: status.errors, rows: status.rows })}
    />
  );
}

/** The import wizard: register, template, file, progress, then the summary or the error report. */
export function ImportPage() {
  const { t } = useTranslation();
  const { org } = useParams({ from: '/shell/orgs/$org/inventory/import' });
  const { memberships, nameOf } = useOrg();
  const session = useFullSession();
  const queryClient = useQueryClient();
  const allowed = canWriteInventory(memberships.find((m) => m.org === org));
  const fileId = useId();
  const [register, setRegister] = useState<Register>('systems');
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string>();
  const [importId, setImportId] = useState<string>();
  const fileInput = useRef<HTMLInputElement>(null);
  const start = useMutation({
    mutationFn: (f: File) =>
      uploadImport({ org, kind: register, file: f, contentType: uploadType(f), csrf: session.csrf_token }),
    onSuccess: (id) => setImportId(id),
  });
  const status = useImportStatus<ImportStatus>(org, importId);
  const finished = importFinished(status.data);
  useEffect(() => {
    if (status.data?.status === 'succeeded') {
      void queryClient.invalidateQueries({ queryKey: ['inventory', org] });
      void queryClient.invalidateQueries({ queryKey: ['scorecard', org] });
    }
  }, [status.data?.status, queryClient, org]);
  if (!allowed) {
    return (
      <Stack maw={720}>
        <PageTitle>{t('inventory.import.title')}</PageTitle>
        <Text data-testid="import-no-access">{t('inventory.import.noAccess')}</Text>
      </Stack>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file) {
      setFileError(t('inventory.import.chooseFile'));
      fileInput.current?.focus();
      return;
    }
    setFileError(undefined);
    start.mutate(file);
  };
  const again = () => {
    setImportId(undefined);
    setFile(null);
    start.reset();
    if (fileInput.current) fileInput.current.value = '';
  };
  const running = start.isPending || (importId !== undefined && !finished);
  return (
    <Stack maw={960}>
      <InventoryLink org={org}>{t('inventory.backToList')}</InventoryLink>
      <PageTitle>{t('inventory.import.title')}</PageTitle>
      <Text>{t('inventory.import.intro', { org: nameOf(org) })}</Text>
      {!importId && (
        <Paper withBorder p="md">
          <form onSubmit={submit} aria-label={t('inventory.import.title')} noValidate>
            <Stack gap="md">
              <Radio.Group
                label={t('inventory.import.step1')}
                description={t('inventory.import.order')}
                value={register}
                onChange={(v) => setRegister(v as Register)}
              >
                <Stack gap={6} mt="xs">
                  {REGISTERS.map((r) => (
                    <Radio key={r} value={r} label={t(`inventory.registers.${r}`)} />
                  ))}
                </Stack>
              </Radio.Group>
              <Stack gap={4}>
                <Text fw={500} size="sm">
                  {t('inventory.import.step2')}
                </Text>
                <TemplateLinks org={org} register={register} />
                <Text size="sm">{t('inventory.import.conventions')}</Text>
              </Stack>
              <Input.Wrapper
                label={t('inventory.import.step3')}
                description={t('inventory.import.fileHint')}
                error={fileError}
                id={fileId}
                required
              >
                <input
                  id={fileId}
                  ref={fileInput}
                  type="file"
                  accept=".csv,text/csv,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                  aria-invalid={fileError ? true : undefined}
                  aria-describedby={`${fileId}-description${fileError ? ` ${fileId}-error` : ''}`}
                  onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
                />
              </Input.Wrapper>
              <ErrorAlert title={t('imports.uploadFailed')} error={start.error} />
              <Group>
                <Button type="submit" loading={start.isPending}>
                  {t('inventory.import.start')}
                </Button>
              </Group>
            </Stack>
          </form>
        </Paper>
      )}
      {importId && (
        <ImportProgress
          status={status.data}
          finished={finished}
          running={running}
          describe={(phase, processed) => t('inventory.import.phase', { phase, processed })}
        />
      )}
      <ErrorAlert title={t('app.error')} error={status.error} />
      {status.data && finished && <Summary status={status.data} />}
      {finished && (
        <Group>
          <Button variant="default" onClick={again}>
            {t('inventory.import.another')}
          </Button>
          {status.data?.status === 'succeeded' && (
            <InventoryButton org={org} to="list" variant="light">
              {t('inventory.import.toList')}
            </InventoryButton>
          )}
        </Group>
      )}
    </Stack>
  );
}
