import { Button, Group, NativeSelect, Stack, Text, TextInput, Title } from '@mantine/core';
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
  SLUG_MAX,
  SLUG_PATTERN,
  wholeDirectoryQuery,
} from './directory';

type Field = 'slug' | 'name' | 'kind' | 'parent' | 'region';
type Errors = Partial<Record<Field, string>>;
const FIELDS: readonly Field[] = ['slug', 'name', 'kind', 'parent', 'region'];

/** The server's refusals that belong to one field (their title is already in the page's language). */
const FIELD_OF_CODE: Record<string, Field> = {
  'directory.slug_taken': 'slug',
  'directory.parent_not_found': 'parent',
  'directory.region_not_found': 'region',
};

/** The field errors of a refused request, each in the page's language. */
function fieldErrors(error: ApiError, t: (key: string) => string): Errors {
  const coded = FIELD_OF_CODE[error.code];
  if (coded) return { [coded]: error.title };
  const found: Errors = {};
  for (const { path } of error.fields) {
    const field = FIELDS.find((f) => path === `body.${f}`);
    if (field) found[field] = t(`organisations.invalid.${field}`);
  }
  return found;
}

/** A platform administrator adds an organisation to the sector directory. */
export function CreateOrganisationForm({
  onCreated,
}: {
  /** The new organisation, or null when another attempt starts. */
  onCreated(org: DirectoryEntry | null): void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const directory = useQuery(wholeDirectoryQuery);
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<OrgKind>('hospital');
  const [parent, setParent] = useState('');
  const [region, setRegion] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const create = useMutation({
    mutationFn: () =>
      api<DirectoryEntry>('POST', '/orgs', {
        slug,
        name: name.trim(),
        kind,
        ...(parent ? { parent } : {}),
        ...(region ? { region } : {}),
      }),
    onMutate: () => onCreated(null),
    onSuccess: async (org) => {
      setSlug('');
      setName('');
      setParent('');
      setRegion('');
      onCreated(org);
      await queryClient.invalidateQueries({ queryKey: directoryKey });
    },
    onError: (error) => {
      if (error instanceof ApiError) setErrors(fieldErrors(error, t));
    },
  });

  const validate = (): Errors => {
    const found: Errors = {};
    if (!slug) found.slug = t('organisations.required');
    else if (!SLUG_PATTERN.test(slug)) found.slug = t('organisations.invalid.slug');
    if (!name.trim()) found.name = t('organisations.required');
    return found;
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length === 0) create.mutate();
  };

  const entries = directory.data ?? [];
  const none = { value: '', label: t('organisations.none') };
  const label = (o: DirectoryEntry) => `${o.name} (${o.slug})`;
  // A refusal shown beside a field is not repeated above the form.
  const unplaced =
    create.error instanceof ApiError && Object.keys(fieldErrors(create.error, t)).length > 0
      ? null
      : create.error;

  return (
    <form onSubmit={submit} noValidate aria-labelledby="create-org-title">
      <Stack gap="sm" maw={560}>
        <Title order={2} size="h3" id="create-org-title">
          {t('organisations.create')}
        </Title>
        <ErrorAlert title={t('organisations.createFailed')} error={unplaced} />
        <TextInput
          label={t('organisations.slug')}
          description={t('organisations.slugHint')}
          required
          maxLength={SLUG_MAX}
          autoComplete="off"
          spellCheck={false}
          value={slug}
          error={errors.slug}
          onChange={(e) => setSlug(e.currentTarget.value)}
        />
        <TextInput
          label={t('organisations.name')}
          required
          maxLength={NAME_MAX}
          autoComplete="off"
          value={name}
          error={errors.name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <NativeSelect
          label={t('organisations.kind')}
          required
          value={kind}
          error={errors.kind}
          onChange={(e) => setKind(e.currentTarget.value as OrgKind)}
          data={KINDS.map((k) => ({ value: k, label: t(`kinds.${k}`) }))}
        />
        <NativeSelect
          label={t('organisations.parent')}
          description={t('organisations.parentHint')}
          value={parent}
          error={errors.parent}
          onChange={(e) => setParent(e.currentTarget.value)}
          data={[none, ...entries.map((o) => ({ value: o.slug, label: label(o) }))]}
        />
        <NativeSelect
          label={t('organisations.region')}
          description={t('organisations.regionHint')}
          value={region}
          error={errors.region}
          onChange={(e) => setRegion(e.currentTarget.value)}
          data={[
            none,
            ...entries.filter((o) => o.kind === 'region').map((o) => ({ value: o.slug, label: label(o) })),
          ]}
        />
        {directory.isError && (
          <Text size="sm" c="red">
            {t('organisations.choicesFailed')}
          </Text>
        )}
        <Group>
          <Button type="submit" loading={create.isPending}>
            {t('organisations.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
