import { Button, Group, NativeSelect, Stack, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../app/api';
import { ErrorAlert } from '../../components/ErrorAlert';
import {
  type DirectoryEntry,
  directoryKey,
  KINDS,
  NAME_MAX,
  type OrgKind,
  wholeDirectoryQuery,
} from './directory';

/** A platform administrator corrects an organisation's name, kind, parent or region (not its slug). */
export function EditOrganisationForm({
  entry,
  onDone,
}: {
  entry: DirectoryEntry;
  /** The changed organisation, or null when the edit is cancelled. */
  onDone(changed: DirectoryEntry | null): void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const directory = useQuery(wholeDirectoryQuery);
  const [name, setName] = useState(entry.name);
  const [kind, setKind] = useState<OrgKind>(entry.kind);
  const [parent, setParent] = useState(entry.parent ?? '');
  const [region, setRegion] = useState(entry.region ?? '');
  const save = useMutation({
    mutationFn: () =>
      api<DirectoryEntry>('PATCH', `/platform/organisations/${encodeURIComponent(entry.slug)}`, {
        name: name.trim(),
        kind,
        parent: parent || null,
        region: region || null,
      }),
    onSuccess: async (changed) => {
      await queryClient.invalidateQueries({ queryKey: directoryKey });
      onDone(changed);
    },
  });
  const codeField = save.error instanceof ApiError ? save.error.code : '';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) save.mutate();
  };
  const others = (directory.data ?? []).filter((o) => o.slug !== entry.slug);
  const none = { value: '', label: t('organisations.none') };
  const label = (o: DirectoryEntry) => `${o.name} (${o.slug})`;
  return (
    <form onSubmit={submit} noValidate aria-labelledby="edit-org-title" data-testid="edit-organisation">
      <Stack gap="sm" maw={560}>
        <Title order={2} size="h3" id="edit-org-title">
          {t('organisations.edit', { slug: entry.slug })}
        </Title>
        <ErrorAlert
          title={t('organisations.editFailed')}
          error={
            codeField.startsWith('directory.parent') || codeField.startsWith('directory.region')
              ? null
              : save.error
          }
        />
        <TextInput
          label={t('organisations.name')}
          required
          maxLength={NAME_MAX}
          autoComplete="off"
          value={name}
          error={name.trim() ? undefined : t('organisations.required')}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <NativeSelect
          label={t('organisations.kind')}
          required
          value={kind}
          onChange={(e) => setKind(e.currentTarget.value as OrgKind)}
          data={KINDS.map((k) => ({ value: k, label: t(`kinds.${k}`) }))}
        />
        <NativeSelect
          label={t('organisations.parent')}
          description={t('organisations.parentHint')}
          value={parent}
          error={codeField.startsWith('directory.parent') ? save.error?.message : undefined}
          onChange={(e) => setParent(e.currentTarget.value)}
          data={[none, ...others.map((o) => ({ value: o.slug, label: label(o) }))]}
        />
        <NativeSelect
          label={t('organisations.region')}
          description={t('organisations.regionHint')}
          value={region}
          error={codeField === 'directory.region_not_found' ? save.error?.message : undefined}
          onChange={(e) => setRegion(e.currentTarget.value)}
          data={[
            none,
            ...others.filter((o) => o.kind === 'region').map((o) => ({ value: o.slug, label: label(o) })),
          ]}
        />
        <Group>
          <Button type="submit" loading={save.isPending}>
            {t('organisations.save')}
          </Button>
          <Button variant="default" onClick={() => onDone(null)}>
            {t('organisations.cancel')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
