import {
  Alert,
  Button,
  Group,
  Input,
  Paper,
  Progress,
  Radio,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../app/api';
import { currentLanguage } from '../../app/i18n';
import { useOrg } from '../../app/org';
import { useFullSession } from '../../app/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { canWriteInventory, type ImportStatus, REGISTERS, type Register } from './access';
import { TemplateLinks } from './ExportLinks';
import { InventoryButton, InventoryLink } from './links';

const FINISHED = new Set(['succeeded', 'refused', 'failed']);

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The media type the import framework reads the file by: XLSX for a workbook (by its name or the
 * type the browser gives it), CSV otherwise.
 */
function uploadType(file: File): string {
  return file.type === XLSX_TYPE || /\.xlsx$/i.test(file.name) ? XLSX_TYPE : 'text/csv';
}

/**
 * Streams the file to the import framework as it is (the body is the file, not JSON), with its
 * media type and the session's CSRF token; answers the new import's id.
 */
async function upload(org: string, register: Register, file: File, csrf: string): Promise<string> {
  const response = await fetch(
    `/api/v1/orgs/${encodeURIComponent(org)}/imports/${register}?name=${encodeURIComponent(file.name)}`,
    {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        'accept-language': currentLanguage(),
        'content-type': uploadType(file),
        'x-csrf-token': csrf,
      },
      body: file,
    },
  );
  const data = (await response.json().catch(() => null)) as {
    import_id?: string;
    code?: string;
    title?: string;
  } | null;
  if (!response.ok || !data?.import_id) {
    throw new ApiError(response.status, data?.code ?? 'error.unknown', data?.title ?? response.statusText);
  }
  return data.import_id;
}

function Summary({ status }: { status: ImportStatus }) {
  const { t, i18n } = useTranslation();
  const number = new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : 'da-DK');
  const heading = useRef<HTMLHeadingElement>(null);
  // The outcome takes the focus, so that keyboard and screen-reader users land on it.
  useEffect(() => heading.current?.focus(), []);
  if (status.status === 'succeeded') {
    return (
      <Paper withBorder p="md" data-testid="import-summary">
        <Title order={2} size="h3" ref={heading} tabIndex={-1} className="vaern-page-title">
          {t('inventory.import.succeeded')}
        </Title>
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
  if (status.status === 'failed') {
    return (
      <Alert color="red" title={t('inventory.import.failed')} role="alert">
        <Title order={2} size="h4" ref={heading} tabIndex={-1} className="vaern-page-title">
          {t('inventory.import.failedText')}
        </Title>
      </Alert>
    );
  }
  return (
    <Paper withBorder p="md" data-testid="import-refused">
      <Title order={2} size="h3" ref={heading} tabIndex={-1} className="vaern-page-title" c="red.9">
        {t('inventory.import.refused')}
      </Title>
      <Text mt="xs">
        {t('inventory.import.refusedText', { count: status.errors, rows: status.rows })}
        {status.errors > status.error_list.length &&
          ` ${t('inventory.import.firstErrors', { count: status.error_list.length })}`}
      </Text>
      <Table.ScrollContainer minWidth={600} mt="sm">
        <Table striped data-testid="import-errors">
          <caption>{t('inventory.import.errorsCaption')}</caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('inventory.import.row')}</Table.Th>
              <Table.Th scope="col">{t('inventory.import.column')}</Table.Th>
              <Table.Th scope="col">{t('inventory.import.message')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {status.error_list.map((e, i) => (
              // Errors have no id; their order is the server's (by row) and never changes.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <Table.Tr key={i} data-testid="import-error">
                <Table.Td>{e.row ?? '—'}</Table.Td>
                <Table.Td>{e.column ?? t('inventory.import.wholeRow')}</Table.Td>
                <Table.Td>{e.message}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
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
    mutationFn: (f: File) => upload(org, register, f, session.csrf_token),
    onSuccess: (id) => setImportId(id),
  });
  const status = useQuery({
    queryKey: ['imports', org, importId],
    queryFn: () => api<ImportStatus>('GET', `/orgs/${encodeURIComponent(org)}/imports/${importId}`),
    enabled: importId !== undefined,
    refetchInterval: (query) => (query.state.data && FINISHED.has(query.state.data.status) ? false : 400),
  });
  const finished = status.data && FINISHED.has(status.data.status);
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
              <ErrorAlert title={t('inventory.import.uploadFailed')} error={start.error} />
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
        <Stack gap="xs">
          <Text role="status" data-testid="import-phase">
            {finished
              ? t('inventory.import.done')
              : t('inventory.import.phase', {
                  phase: t(`inventory.import.phases.${status.data?.phase ?? 'queued'}`, {
                    defaultValue: status.data?.phase ?? '',
                  }),
                  processed: status.data?.processed ?? 0,
                })}
          </Text>
          {running && (
            <Progress
              value={Math.round((status.data?.progress ?? 0) * 100)}
              aria-label={t('inventory.import.progress')}
              animated
            />
          )}
        </Stack>
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
