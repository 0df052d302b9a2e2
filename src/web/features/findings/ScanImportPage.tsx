import { Button, Checkbox, Group, Input, Paper, Radio, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useOrg } from '../../app/org';
import { useFullSession } from '../../app/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ImportProgress } from '../../components/ImportReport';
import { importFinished, uploadImport, useImportStatus } from '../../components/imports';
import { PageTitle } from '../../components/PageTitle';
import { SystemPicker } from '../../components/SystemPicker';
import {
  canImportScans,
  SCAN_FORMATS,
  SCAN_MEDIA_TYPE,
  type ScanFormat,
  type ScanImportStatus,
} from './access';
import { FindingsNav } from './FindingsNav';
import { FindingsButton, FindingsLink } from './links';
import { ScanSummary } from './ScanSummary';

/** The file types offered for each format in the file chooser. */
const ACCEPT: Record<ScanFormat, string> = {
  nessus: '.nessus,.xml,application/xml,text/xml',
  openvas: '.xml,application/xml,text/xml',
  sarif: '.sarif,.json,application/json,application/sarif+json',
  csv: '.csv,text/csv',
};

/** The scan upload: format, system, informational items, file; progress; the figures or the errors. */
export function ScanImportPage() {
  const { t } = useTranslation();
  const { org } = useParams({ from: '/shell/orgs/$org/findings/import' });
  const { memberships, nameOf } = useOrg();
  const session = useFullSession();
  const queryClient = useQueryClient();
  const allowed = canImportScans(memberships.find((m) => m.org === org));
  const fileId = useId();
  const [format, setFormat] = useState<ScanFormat>('nessus');
  const [system, setSystem] = useState('');
  const [includeInfo, setIncludeInfo] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [errors, setErrors] = useState<{ file?: string; system?: string }>({});
  const [importId, setImportId] = useState<string>();
  const fileInput = useRef<HTMLInputElement>(null);
  const systemInput = useRef<HTMLInputElement>(null);
  const start = useMutation({
    mutationFn: (f: File) =>
      uploadImport({
        org,
        kind: 'scan',
        file: f,
        contentType: SCAN_MEDIA_TYPE[format],
        csrf: session.csrf_token,
        options: {
          format,
          ...(system.trim() ? { system: system.trim() } : {}),
          ...(includeInfo ? { include_info: 'true' } : {}),
        },
      }),
    onSuccess: (id) => setImportId(id),
  });
  const status = useImportStatus<ScanImportStatus>(org, importId);
  const finished = importFinished(status.data);
  useEffect(() => {
    if (status.data?.status === 'succeeded')
      void queryClient.invalidateQueries({ queryKey: ['findings', org] });
  }, [status.data?.status, queryClient, org]);
  if (!allowed) {
    return (
      <Stack maw={720}>
        <FindingsLink org={org}>{t('findings.backToList')}</FindingsLink>
        <PageTitle>{t('findings.import.title')}</PageTitle>
        <Text data-testid="import-no-access">{t('findings.import.noAccess')}</Text>
      </Stack>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = {
      system: format === 'sarif' && !system.trim() ? t('findings.import.systemRequired') : undefined,
      file: file ? undefined : t('findings.import.chooseFile'),
    };
    setErrors(next);
    if (next.system) return systemInput.current?.focus();
    if (next.file || !file) return fileInput.current?.focus();
    start.mutate(file);
  };
  const again = () => {
    setImportId(undefined);
    setFile(null);
    start.reset();
    if (fileInput.current) fileInput.current.value = '';
  };
  const running = start.isPending || (importId !== undefined && !finished);
  const describedBy = `${fileId}-description${errors.file ? ` ${fileId}-error` : ''}`;
  return (
    <Stack maw={960}>
      <FindingsNav org={org} />
      <PageTitle>{t('findings.import.title')}</PageTitle>
      <Text>{t('findings.import.intro', { org: nameOf(org) })}</Text>
      {!importId && (
        <Paper withBorder p="md">
          <form onSubmit={submit} aria-label={t('findings.import.title')} noValidate>
            <Stack gap="md">
              <Radio.Group
                label={t('findings.import.format')}
                value={format}
                onChange={(v) => setFormat(v as ScanFormat)}
              >
                <Stack gap={6} mt="xs">
                  {SCAN_FORMATS.map((f) => (
                    <Radio key={f} value={f} label={t(`findings.import.formats.${f}`)} />
                  ))}
                </Stack>
              </Radio.Group>
              <SystemPicker
                org={org}
                inputRef={systemInput}
                label={t('findings.import.system')}
                description={t(
                  format === 'sarif' ? 'findings.import.systemSarif' : 'findings.import.systemHint',
                )}
                required={format === 'sarif'}
                value={system}
                error={errors.system}
                onChange={setSystem}
              />
              <Checkbox
                label={t('findings.import.includeInfo')}
                description={t('findings.import.includeInfoHint')}
                checked={includeInfo}
                onChange={(e) => setIncludeInfo(e.currentTarget.checked)}
              />
              <Input.Wrapper
                label={t('findings.import.file')}
                description={t('findings.import.fileHint')}
                error={errors.file}
                id={fileId}
                required
              >
                <input
                  id={fileId}
                  ref={fileInput}
                  type="file"
                  accept={ACCEPT[format]}
                  aria-invalid={errors.file ? true : undefined}
                  aria-describedby={describedBy}
                  onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
                />
              </Input.Wrapper>
              <ErrorAlert title={t('imports.uploadFailed')} error={start.error} />
              <Group>
                <Button type="submit" loading={start.isPending}>
                  {t('findings.import.start')}
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
          describe={(phase, processed) => t('findings.import.phase', { phase, processed })}
        />
      )}
      <ErrorAlert title={t('app.error')} error={status.error} />
      {status.data && finished && <ScanSummary org={org} status={status.data} />}
      {finished && (
        <Group>
          <Button variant="default" onClick={again}>
            {t('findings.import.another')}
          </Button>
          {status.data?.status === 'succeeded' && (
            <>
              <FindingsButton org={org} to="list" variant="light">
                {t('findings.import.toList')}
              </FindingsButton>
              {(status.data.unmapped_hosts ?? 0) > 0 && (
                <FindingsButton org={org} to="unmapped" variant="default">
                  {t('findings.hosts.open')}
                </FindingsButton>
              )}
            </>
          )}
        </Group>
      )}
    </Stack>
  );
}
