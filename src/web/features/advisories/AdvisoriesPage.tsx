import { Button, Group, NativeSelect, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { Page } from '../../app/api-types';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { PageTitle } from '../../components/PageTitle';
import { AdvisoriesNav } from './AdvisoriesNav';
import { type AdvisoryListItem, isSectorCoordinator, TLP_LABELS } from './access';
import { KevBadge, TlpBadge, useAdvisoryFormats } from './format';
import { AdvisoryLink } from './links';

interface Filters {
  q: string;
  tlp: string;
}

const NO_FILTERS: Filters = { q: '', tlp: '' };

/** The list's query string: search and TLP are the server's. */
function listQuery(f: Filters, cursor: string): string {
  const p = new URLSearchParams({ limit: '50' });
  if (f.q.trim()) p.set('q', f.q.trim());
  if (f.tlp) p.set('tlp', f.tlp);
  if (cursor) p.set('cursor', cursor);
  return p.toString();
}

/** The sector's advisories, newest first: search, TLP filter and "load more", all on the server. */
export function AdvisoriesPage() {
  const { t } = useTranslation();
  const f = useAdvisoryFormats();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [debounced] = useDebouncedValue(filters, 300);
  const list = useInfiniteQuery({
    queryKey: ['advisories', 'list', listQuery(debounced, '')],
    queryFn: ({ pageParam }) =>
      api<Page<AdvisoryListItem>>('GET', `/advisories?${listQuery(debounced, pageParam)}`),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const changed = filters.q !== '' || filters.tlp !== '';
  const { memberships } = useOrg();
  return (
    <Stack maw={1280}>
      <AdvisoriesNav />
      <Group justify="space-between" align="flex-end">
        <PageTitle>{t('advisories.title')}</PageTitle>
        {isSectorCoordinator(memberships) && (
          <Button renderRoot={(props) => <Link {...props} to="/advisories/new" />}>
            {t('advisories.manual.new')}
          </Button>
        )}
      </Group>
      <Text>{t('advisories.intro')}</Text>
      <form aria-label={t('advisories.filter.label')} onSubmit={(e) => e.preventDefault()}>
        <Group align="flex-start" gap="sm" wrap="wrap">
          <TextInput
            type="search"
            label={t('advisories.filter.search')}
            description={t('advisories.filter.searchHint')}
            w={320}
            value={filters.q}
            onChange={(e) => {
              const q = e.currentTarget.value;
              setFilters((c) => ({ ...c, q }));
            }}
          />
          <NativeSelect
            label={t('advisories.fields.tlp')}
            description={t('advisories.filter.tlpHint')}
            w={200}
            value={filters.tlp}
            onChange={(e) => {
              const tlp = e.currentTarget.value;
              setFilters((c) => ({ ...c, tlp }));
            }}
            data={[
              { value: '', label: t('advisories.filter.anyTlp') },
              ...TLP_LABELS.map((l) => ({ value: l, label: `TLP:${l}` })),
            ]}
          />
        </Group>
        {changed && (
          <Button variant="subtle" size="compact-sm" mt="xs" onClick={() => setFilters(NO_FILTERS)}>
            {t('advisories.filter.clear')}
          </Button>
        )}
      </form>
      <ErrorAlert title={t('app.error')} error={list.error} />
      <Text role="status" size="sm" data-testid="advisories-status">
        {list.isPending
          ? t('app.loading')
          : t(list.hasNextPage ? 'advisories.shownMore' : 'advisories.shown', { count: items.length })}
      </Text>
      <Table.ScrollContainer minWidth={900}>
        <Table striped data-testid="advisories" aria-busy={list.isFetching}>
          <VisuallyHidden component="caption">{t('advisories.caption')}</VisuallyHidden>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('advisories.fields.current_release')}</Table.Th>
              <Table.Th scope="col">{t('advisories.fields.title')}</Table.Th>
              <Table.Th scope="col">{t('advisories.fields.publisher')}</Table.Th>
              <Table.Th scope="col">{t('advisories.fields.tlp')}</Table.Th>
              <Table.Th scope="col">{t('advisories.fields.cvss_max')}</Table.Th>
              <Table.Th scope="col">{t('advisories.fields.vulnerabilities')}</Table.Th>
              <Table.Th scope="col">{t('advisories.fields.kev')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => (
              <Table.Tr key={item.id} data-testid="advisory-row">
                <Table.Td>{f.date(item.current_release)}</Table.Td>
                <Table.Td>
                  <AdvisoryLink id={item.id}>{item.title}</AdvisoryLink>
                  <Text size="xs" ff="monospace">
                    {`${item.tracking_id} · ${t('advisories.fields.version')} ${item.version}`}
                  </Text>
                </Table.Td>
                <Table.Td>{item.publisher_name}</Table.Td>
                <Table.Td>
                  <TlpBadge tlp={item.tlp} />
                </Table.Td>
                <Table.Td data-testid="advisory-cvss">{f.cvss(item.cvss_max)}</Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {item.vulnerabilities.length === 0
                      ? '—'
                      : `${item.vulnerabilities.slice(0, 3).join(', ')}${item.vulnerabilities.length > 3 ? ' …' : ''}`}
                  </Text>
                </Table.Td>
                <Table.Td data-testid="advisory-kev">
                  {item.in_kev ? <KevBadge /> : <Text size="sm">{t('advisories.kev.no')}</Text>}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {list.isSuccess && items.length === 0 && (
        <Text>{changed ? t('advisories.noMatch') : t('advisories.empty')}</Text>
      )}
      <LoadMoreButton query={list} label={t('advisories.more')} maw={240} />
    </Stack>
  );
}
