import { Button, Checkbox, Group, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { Page } from '../../app/api-types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { SystemLink } from '../../components/SystemLink';
import { DEFAULT_STATES, type Finding, SEVERITIES, STATES, UNFINISHED_STATES } from './access';
import { DueDate, SeverityBadge, StateBadge, useFindingFormats } from './format';
import { FindingLink, type ListSearch } from './links';

interface Filters {
  state: string[];
  severity: string[];
  system: string;
  host: string;
  cve: string;
  q: string;
  unmapped: boolean;
  overdue: boolean;
  kev: boolean;
  /** A scan import's id: only the findings it saw first (empty: any). */
  newIn: string;
}

const CVE = /^CVE-\d{4}-\d{4,}$/i;

export const defaultFilters = (initial: ListSearch = {}): Filters => ({
  state: [...(initial.unfinished ? UNFINISHED_STATES : DEFAULT_STATES)],
  severity: initial.severity ? [initial.severity] : [],
  system: initial.system ?? '',
  host: initial.host ?? '',
  cve: '',
  q: '',
  unmapped: false,
  overdue: initial.overdue ?? false,
  kev: initial.kev ?? false,
  newIn: initial.new_in ?? '',
});

/** The list's query string: every filter is the server's; a CVE is sent once it is well formed. */
function listQuery(f: Filters, cursor: string): string {
  const p = new URLSearchParams({ limit: '50' });
  if (f.state.length > 0) p.set('state', f.state.join(','));
  if (f.severity.length > 0) p.set('severity', f.severity.join(','));
  if (f.system.trim()) p.set('system', f.system.trim());
  if (f.host.trim()) p.set('host', f.host.trim());
  if (CVE.test(f.cve.trim())) p.set('cve', f.cve.trim().toUpperCase());
  if (f.q.trim()) p.set('q', f.q.trim());
  if (f.unmapped) p.set('unmapped', 'true');
  if (f.overdue) p.set('overdue', 'true');
  if (f.kev) p.set('kev', 'true');
  if (f.newIn) p.set('first_import', f.newIn);
  if (cursor) p.set('cursor', cursor);
  return p.toString();
}

/** An organisation's findings, worst first: filters and "load more", all on the server. */
export function FindingsList({ org, initial }: { org: string; initial: ListSearch }) {
  const { t } = useTranslation();
  const f = useFindingFormats();
  const [start] = useState(() => defaultFilters(initial));
  const [filters, setFilters] = useState<Filters>(start);
  const [debounced] = useDebouncedValue(filters, 300);
  const set = <K extends keyof Filters>(key: K, value: Filters[K]) =>
    setFilters((current) => ({ ...current, [key]: value }));
  const list = useInfiniteQuery({
    queryKey: ['findings', org, 'list', listQuery(debounced, '')],
    queryFn: ({ pageParam }) =>
      api<Page<Finding>>(
        'GET',
        `/orgs/${encodeURIComponent(org)}/findings?${listQuery(debounced, pageParam)}`,
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const changed = JSON.stringify(filters) !== JSON.stringify(defaultFilters());
  const cveInvalid = filters.cve.trim() !== '' && !CVE.test(filters.cve.trim());
  return (
    <Stack>
      <form aria-label={t('findings.filter.label')} onSubmit={(e) => e.preventDefault()}>
        <Stack gap="xs">
          <Group align="flex-start" gap="sm" wrap="wrap">
            <TextInput
              type="search"
              label={t('findings.filter.search')}
              description={t('findings.filter.searchHint')}
              w={260}
              value={filters.q}
              onChange={(e) => set('q', e.currentTarget.value)}
            />
            <TextInput
              label={t('findings.filter.system')}
              description={t('findings.filter.systemHint')}
              w={180}
              value={filters.system}
              onChange={(e) => set('system', e.currentTarget.value)}
            />
            <TextInput
              label={t('findings.filter.host')}
              description={t('findings.filter.hostHint')}
              w={200}
              value={filters.host}
              onChange={(e) => set('host', e.currentTarget.value)}
            />
            <TextInput
              label={t('findings.filter.cve')}
              description={t('findings.filter.cveHint')}
              w={180}
              value={filters.cve}
              error={cveInvalid ? t('findings.filter.cveInvalid') : undefined}
              onChange={(e) => set('cve', e.currentTarget.value)}
            />
          </Group>
          <Checkbox.Group
            label={t('findings.fields.severity')}
            value={filters.severity}
            onChange={(v) => set('severity', v)}
          >
            <Group gap="md" mt={4}>
              {SEVERITIES.map((s) => (
                <Checkbox key={s} value={s} label={t(`findings.severity.${s}`)} />
              ))}
            </Group>
          </Checkbox.Group>
          <Checkbox.Group
            label={t('findings.fields.state')}
            description={t('findings.filter.stateHint')}
            value={filters.state}
            onChange={(v) => set('state', v)}
          >
            <Group gap="md" mt={4}>
              {STATES.map((s) => (
                <Checkbox key={s} value={s} label={t(`findings.state.${s}`)} />
              ))}
            </Group>
          </Checkbox.Group>
          {filters.newIn && (
            <Checkbox
              label={t('findings.filter.newIn')}
              checked
              onChange={() => set('newIn', '')}
              data-testid="filter-new-in"
            />
          )}
          <Checkbox
            label={t('findings.filter.unmapped')}
            checked={filters.unmapped}
            onChange={(e) => set('unmapped', e.currentTarget.checked)}
          />
          <Checkbox
            label={t('findings.filter.overdue')}
            checked={filters.overdue}
            onChange={(e) => set('overdue', e.currentTarget.checked)}
          />
          <Checkbox
            label={t('findings.filter.kev')}
            checked={filters.kev}
            onChange={(e) => set('kev', e.currentTarget.checked)}
          />
          {changed && (
            <Group>
              <Button variant="subtle" size="compact-sm" onClick={() => setFilters(defaultFilters())}>
                {t('findings.filter.clear')}
              </Button>
            </Group>
          )}
        </Stack>
      </form>
      <ErrorAlert title={t('app.error')} error={list.error} />
      <Text role="status" size="sm" data-testid="findings-status">
        {list.isPending
          ? t('app.loading')
          : t(list.hasNextPage ? 'findings.shownMore' : 'findings.shown', { count: items.length })}
      </Text>
      <Table.ScrollContainer minWidth={1100}>
        <Table striped data-testid="findings" aria-busy={list.isFetching}>
          <VisuallyHidden component="caption">{t('findings.caption')}</VisuallyHidden>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('findings.fields.severity')}</Table.Th>
              <Table.Th scope="col">{t('findings.fields.title')}</Table.Th>
              <Table.Th scope="col">{t('findings.fields.state')}</Table.Th>
              <Table.Th scope="col">{t('findings.fields.system')}</Table.Th>
              <Table.Th scope="col">{t('findings.fields.where')}</Table.Th>
              <Table.Th scope="col">{t('findings.fields.due_on')}</Table.Th>
              <Table.Th scope="col">{t('findings.fields.first_seen_at')}</Table.Th>
              <Table.Th scope="col">{t('findings.fields.last_seen_at')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => (
              <Table.Tr key={item.id} data-testid="finding-row">
                <Table.Td>
                  <SeverityBadge severity={item.severity} />
                </Table.Td>
                <Table.Td>
                  <FindingLink org={org} id={item.id}>
                    {item.title}
                  </FindingLink>
                  {item.cves.length > 0 && (
                    <Text size="xs">
                      {item.cves.slice(0, 3).join(', ')}
                      {item.cves.length > 3 ? ' …' : ''}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <StateBadge state={item.state} />
                </Table.Td>
                <Table.Td>
                  {item.system ? (
                    <SystemLink org={org} systemKey={item.system.key}>
                      {item.system.key}
                    </SystemLink>
                  ) : (
                    <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                      {t('findings.unmapped')}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {f.where(item)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <DueDate finding={item} />
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{f.date(item.first_seen_at)}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{f.date(item.last_seen_at)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {list.isSuccess && items.length === 0 && (
        <Text>{changed ? t('findings.noMatch') : t('findings.empty')}</Text>
      )}
      <LoadMoreButton query={list} label={t('findings.more')} maw={240} />
    </Stack>
  );
}
