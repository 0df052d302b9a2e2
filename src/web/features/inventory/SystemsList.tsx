import {
  Badge,
  Button,
  Checkbox,
  Group,
  NativeSelect,
  Stack,
  Table,
  Text,
  TextInput,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { Page } from '../../app/api-types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { SystemLink } from '../../components/SystemLink';
import { BASELINE_GAPS, CRITICALITY, type SortColumn, type System } from './access';
import { CRITICALITY_COLOR } from './format';

type Tri = '' | 'true' | 'false';

interface Filters {
  q: string;
  criticality: string[];
  health_data: Tri;
  legacy: Tri;
  medical_device: Tri;
  gap: string;
}

const NO_FILTERS: Filters = {
  q: '',
  criticality: [],
  health_data: '',
  legacy: '',
  medical_device: '',
  gap: '',
};

/** The query string of the systems list: everything is filtered, sorted and paged by the server. */
function listQuery(filters: Filters, sort: string, cursor: string): string {
  const p = new URLSearchParams({ limit: '100', sort });
  if (filters.q.trim()) p.set('q', filters.q.trim());
  if (filters.criticality.length > 0) p.set('criticality', filters.criticality.join(','));
  for (const k of ['health_data', 'legacy', 'medical_device'] as const) if (filters[k]) p.set(k, filters[k]);
  if (filters.gap) p.set('gap', filters.gap);
  if (cursor) p.set('cursor', cursor);
  return p.toString();
}

function TriSelect(props: { label: string; value: Tri; onChange(v: Tri): void }) {
  const { t } = useTranslation();
  return (
    <NativeSelect
      label={props.label}
      w={150}
      value={props.value}
      onChange={(e) => props.onChange(e.currentTarget.value as Tri)}
      data={[
        { value: '', label: t('inventory.filter.any') },
        { value: 'true', label: t('inventory.yes') },
        { value: 'false', label: t('inventory.no') },
      ]}
    />
  );
}

/** A column header that sorts the list; the current order is announced through aria-sort. */
function SortHeader(props: { column: SortColumn; label: string; sort: string; onSort(next: string): void }) {
  const { t } = useTranslation();
  const active = props.sort.replace(/^-/, '') === props.column;
  const descending = props.sort.startsWith('-');
  const next = active && !descending ? `-${props.column}` : props.column;
  return (
    <Table.Th scope="col" aria-sort={active ? (descending ? 'descending' : 'ascending') : 'none'}>
      <UnstyledButton
        onClick={() => props.onSort(next)}
        fw={700}
        fz="sm"
        aria-label={t('inventory.sortBy', { column: props.label })}
      >
        {props.label}
        {active ? (descending ? ' ↓' : ' ↑') : ''}
      </UnstyledButton>
    </Table.Th>
  );
}

/** The systems of an organisation: search, filters, sorting and "load more", all on the server. */
export function SystemsList({ org }: { org: string }) {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [sort, setSort] = useState('key');
  const [debounced] = useDebouncedValue(filters, 300);
  const set = <K extends keyof Filters>(key: K, value: Filters[K]) =>
    setFilters((f) => ({ ...f, [key]: value }));
  const base = `/orgs/${encodeURIComponent(org)}/inventory/systems`;
  const list = useInfiniteQuery({
    queryKey: ['inventory', org, 'systems', debounced, sort],
    queryFn: ({ pageParam }) => api<Page<System>>('GET', `${base}?${listQuery(debounced, sort, pageParam)}`),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = JSON.stringify(filters) !== JSON.stringify(NO_FILTERS);
  return (
    <Stack>
      <form
        aria-label={t('inventory.filter.label')}
        onSubmit={(e) => {
          e.preventDefault();
        }}
      >
        <Stack gap="xs">
          <Group align="flex-end" gap="sm" wrap="wrap">
            <TextInput
              type="search"
              label={t('inventory.filter.search')}
              description={t('inventory.filter.searchHint')}
              w={260}
              value={filters.q}
              onChange={(e) => set('q', e.currentTarget.value)}
            />
            <TriSelect
              label={t('inventory.fields.health_data')}
              value={filters.health_data}
              onChange={(v) => set('health_data', v)}
            />
            <TriSelect
              label={t('inventory.fields.legacy')}
              value={filters.legacy}
              onChange={(v) => set('legacy', v)}
            />
            <TriSelect
              label={t('inventory.fields.medical_device')}
              value={filters.medical_device}
              onChange={(v) => set('medical_device', v)}
            />
            <NativeSelect
              label={t('inventory.filter.gap')}
              w={240}
              value={filters.gap}
              onChange={(e) => set('gap', e.currentTarget.value)}
              data={[
                { value: '', label: t('inventory.filter.any') },
                ...BASELINE_GAPS.map((g) => ({ value: g, label: t(`inventory.gaps.${g}`) })),
              ]}
            />
          </Group>
          <Checkbox.Group
            label={t('inventory.fields.criticality')}
            value={filters.criticality}
            onChange={(v) => set('criticality', v)}
          >
            <Group gap="md" mt={4}>
              {[...CRITICALITY, 'none'].map((c) => (
                <Checkbox key={c} value={c} label={t(`inventory.criticality.${c}`)} />
              ))}
            </Group>
          </Checkbox.Group>
          {filtered && (
            <Group>
              <Button variant="subtle" size="compact-sm" onClick={() => setFilters(NO_FILTERS)}>
                {t('inventory.filter.clear')}
              </Button>
            </Group>
          )}
        </Stack>
      </form>
      <ErrorAlert title={t('app.error')} error={list.error} />
      <Text role="status" size="sm" data-testid="systems-status">
        {list.isPending
          ? t('app.loading')
          : t(list.hasNextPage ? 'inventory.shownMore' : 'inventory.shown', { count: items.length })}
      </Text>
      <Table.ScrollContainer minWidth={900}>
        <Table striped data-testid="systems" aria-busy={list.isFetching}>
          <VisuallyHidden component="caption">{t('inventory.systemsCaption')}</VisuallyHidden>
          <Table.Thead>
            <Table.Tr>
              <SortHeader column="key" label={t('inventory.fields.key')} sort={sort} onSort={setSort} />
              <SortHeader column="name" label={t('inventory.fields.name')} sort={sort} onSort={setSort} />
              <SortHeader
                column="criticality"
                label={t('inventory.fields.criticality')}
                sort={sort}
                onSort={setSort}
              />
              <Table.Th scope="col">{t('inventory.fields.health_data')}</Table.Th>
              <Table.Th scope="col">{t('inventory.traits')}</Table.Th>
              <Table.Th scope="col">{t('inventory.fields.owner')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((s) => (
              <Table.Tr key={s.id} data-testid="system-row">
                <Table.Td>
                  <SystemLink org={org} systemKey={s.key}>
                    {s.key}
                  </SystemLink>
                </Table.Td>
                <Table.Td>{s.name}</Table.Td>
                <Table.Td>
                  {s.criticality ? (
                    <Badge variant="light" color={CRITICALITY_COLOR[s.criticality]}>
                      {t(`inventory.criticality.${s.criticality}`)}
                    </Badge>
                  ) : (
                    <Text size="sm">{t('inventory.criticality.none')}</Text>
                  )}
                </Table.Td>
                <Table.Td>{s.health_data ? t('inventory.yes') : t('inventory.no')}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {s.legacy && (
                      <Badge variant="light" color="orange" size="sm">
                        {t('inventory.fields.legacy')}
                      </Badge>
                    )}
                    {s.medical_device && (
                      <Badge variant="light" color="blue" size="sm">
                        {t('inventory.fields.medical_device')}
                      </Badge>
                    )}
                    {s.shared && (
                      <Badge variant="light" color="teal" size="sm">
                        {t('inventory.fields.shared')}
                      </Badge>
                    )}
                    {s.shared_system && (
                      <Badge variant="light" color="gray" size="sm">
                        {t('inventory.linkedShared')}
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>{s.owner?.name ?? '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {list.isSuccess && items.length === 0 && (
        <Text>{filtered ? t('inventory.noMatch') : t('inventory.emptySystems')}</Text>
      )}
      <LoadMoreButton query={list} label={t('inventory.more')} maw={240} />
    </Stack>
  );
}
