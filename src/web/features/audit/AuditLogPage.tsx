import { Badge, Button, Code, Group, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { type FormEvent, Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { Page } from '../../app/api-types';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { PageTitle } from '../../components/PageTitle';
import { canReadAudit } from './access';
import { actorLabel } from './actor-label';
import { EntryChanges } from './EntryChanges';
import { type AuditEntry, type AuditFilters, exportHref, listPath, NO_FILTERS } from './filters';

function useDateTimeFormat() {
  const { i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.language === 'en' ? 'en-GB' : 'da-DK', {
    dateStyle: 'medium',
    timeStyle: 'medium',
  });
  return (iso: string) => format.format(new Date(iso));
}

function FilterForm({ onApply }: { onApply(filters: AuditFilters): void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<AuditFilters>(NO_FILTERS);
  const field = (key: keyof AuditFilters) => ({
    value: draft[key],
    onChange: (e: { currentTarget: { value: string } }) => {
      const value = e.currentTarget.value;
      setDraft((d) => ({ ...d, [key]: value }));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(draft);
  };
  return (
    <form onSubmit={submit} aria-label={t('audit.filters')}>
      <Stack gap="xs">
        <Group align="flex-end" gap="sm" wrap="wrap">
          <TextInput
            label={t('audit.person')}
            description={t('audit.personHint')}
            w={220}
            {...field('actor')}
          />
          <TextInput
            label={t('audit.action')}
            description={t('audit.actionHint')}
            w={200}
            {...field('action')}
          />
          <TextInput
            label={t('audit.targetType')}
            description={t('audit.targetTypeHint')}
            w={180}
            {...field('target_type')}
          />
          <TextInput
            label={t('audit.targetId')}
            description={t('audit.targetIdHint')}
            w={280}
            {...field('target_id')}
          />
          <TextInput
            type="date"
            label={t('audit.from')}
            description={t('audit.dateHint')}
            w={170}
            {...field('from')}
          />
          <TextInput
            type="date"
            label={t('audit.to')}
            description={t('audit.dateHint')}
            w={170}
            {...field('to')}
          />
        </Group>
        <Group gap="sm">
          <Button type="submit">{t('audit.search')}</Button>
          <Button
            variant="default"
            onClick={() => {
              setDraft(NO_FILTERS);
              onApply(NO_FILTERS);
            }}
          >
            {t('audit.clear')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function EntryRow({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const date = useDateTimeFormat();
  const [open, setOpen] = useState(false);
  const detailsId = `audit-entry-${entry.seq}`;
  return (
    <Fragment>
      <Table.Tr data-testid="audit-entry">
        <Table.Td>
          <Button
            size="compact-xs"
            variant="subtle"
            aria-expanded={open}
            aria-controls={open ? detailsId : undefined}
            aria-label={t(open ? 'audit.hideLabel' : 'audit.showLabel', { seq: entry.seq })}
            onClick={() => setOpen((o) => !o)}
          >
            {open ? '−' : '+'}
          </Button>
        </Table.Td>
        <Table.Td>{entry.seq}</Table.Td>
        <Table.Td>
          <time dateTime={entry.at}>{date(entry.at)}</time>
        </Table.Td>
        <Table.Td>
          <Text size="sm">{actorLabel(entry, t) || '—'}</Text>
          <Text size="xs" c="dimmed">
            {t(`audit.actorTypes.${entry.actor.type}`, { defaultValue: entry.actor.type })}
          </Text>
        </Table.Td>
        <Table.Td>
          <Code>{entry.action}</Code>
        </Table.Td>
        <Table.Td>
          {entry.target_type ? (
            <>
              <Badge variant="light" size="sm">
                {entry.target_type}
              </Badge>{' '}
              <Text span size="xs" className="vaern-secret">
                {entry.target_id}
              </Text>
            </>
          ) : (
            '—'
          )}
        </Table.Td>
      </Table.Tr>
      {open && (
        <Table.Tr id={detailsId}>
          <Table.Td colSpan={6}>
            <EntryChanges entry={entry} />
            <Text size="xs" c="dimmed" mt="xs" className="vaern-secret">
              {t('audit.hash')}: {entry.hash}
            </Text>
          </Table.Td>
        </Table.Tr>
      )}
    </Fragment>
  );
}

/** An organisation's audit log: who did what to which record and when, with before/after values. */
export function AuditLogPage() {
  const { t } = useTranslation();
  const { org } = useParams({ from: '/shell/orgs/$org/audit' });
  const { nameOf, memberships } = useOrg();
  const allowed = canReadAudit(memberships.find((m) => m.org === org));
  const queryClient = useQueryClient();
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS);
  const log = useInfiniteQuery({
    queryKey: ['audit', org, filters],
    queryFn: ({ pageParam }) => api<Page<AuditEntry>>('GET', listPath(org, filters, pageParam)),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled: allowed,
  });
  if (!allowed) {
    return (
      <Stack maw={720}>
        <PageTitle>{t('audit.title')}</PageTitle>
        <Text data-testid="audit-no-access">{t('audit.noAccess', { org: nameOf(org) })}</Text>
      </Stack>
    );
  }
  const items = log.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack maw={1280}>
      <PageTitle>{t('audit.title')}</PageTitle>
      <Text>{t('audit.intro', { org: nameOf(org) })}</Text>
      <FilterForm onApply={setFilters} />
      <Group gap="sm">
        <Button
          component="a"
          variant="default"
          href={exportHref(org, filters)}
          download
          // The export is itself recorded: show its entry once the download has started.
          onClick={() =>
            setTimeout(() => void queryClient.invalidateQueries({ queryKey: ['audit', org] }), 1500)
          }
        >
          {t('audit.export')}
        </Button>
        <Text size="sm" c="dimmed">
          {t('audit.exportHint')}
        </Text>
      </Group>
      <ErrorAlert title={t('app.error')} error={log.error} />
      <Text role="status" size="sm">
        {log.isPending ? t('app.loading') : t('audit.shown', { count: items.length })}
      </Text>
      <Table.ScrollContainer minWidth={800}>
        <Table striped data-testid="audit-log">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">
                <VisuallyHidden>{t('audit.details')}</VisuallyHidden>
              </Table.Th>
              <Table.Th scope="col">{t('audit.seq')}</Table.Th>
              <Table.Th scope="col">{t('audit.time')}</Table.Th>
              <Table.Th scope="col">{t('audit.person')}</Table.Th>
              <Table.Th scope="col">{t('audit.action')}</Table.Th>
              <Table.Th scope="col">{t('audit.target')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((entry) => (
              <EntryRow key={entry.seq} entry={entry} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {log.isSuccess && items.length === 0 && <Text>{t('audit.empty')}</Text>}
      <LoadMoreButton query={log} label={t('audit.more')} />
    </Stack>
  );
}
