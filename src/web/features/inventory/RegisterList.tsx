import { Badge, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { Page } from '../../app/api-types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { SystemLink } from '../../components/SystemLink';
import type { Component, Process, Supplier } from './access';
import { CRITICALITY_COLOR } from './format';

interface Column<T> {
  label: string;
  cell(item: T): ReactNode;
}

function PagedRegister<T extends { id: string }>(props: {
  org: string;
  register: 'processes' | 'suppliers' | 'components';
  caption: string;
  columns: Column<T>[];
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q.trim(), 300);
  const path = `/orgs/${encodeURIComponent(props.org)}/inventory/${props.register}`;
  const list = useInfiniteQuery({
    queryKey: ['inventory', props.org, props.register, debounced],
    queryFn: ({ pageParam }) => {
      const p = new URLSearchParams({ limit: '100' });
      if (debounced) p.set('q', debounced);
      if (pageParam) p.set('cursor', pageParam);
      return api<Page<T>>('GET', `${path}?${p}`);
    },
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <TextInput
        type="search"
        label={t('inventory.filter.search')}
        description={t('inventory.filter.searchHint')}
        maw={320}
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
      />
      <ErrorAlert title={t('app.error')} error={list.error} />
      <Text role="status" size="sm">
        {list.isPending
          ? t('app.loading')
          : t(list.hasNextPage ? 'inventory.shownMore' : 'inventory.shown', { count: items.length })}
      </Text>
      <Table.ScrollContainer minWidth={700}>
        <Table striped data-testid={props.register}>
          <VisuallyHidden component="caption">{props.caption}</VisuallyHidden>
          <Table.Thead>
            <Table.Tr>
              {props.columns.map((c) => (
                <Table.Th scope="col" key={c.label}>
                  {c.label}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => (
              <Table.Tr key={item.id}>
                {props.columns.map((c) => (
                  <Table.Td key={c.label}>{c.cell(item)}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {list.isSuccess && items.length === 0 && <Text>{t('inventory.emptyRegister')}</Text>}
      <LoadMoreButton query={list} label={t('inventory.more')} maw={240} />
    </Stack>
  );
}

const dash = (v: string | null) => v || '—';

export function ProcessesList({ org }: { org: string }) {
  const { t } = useTranslation();
  return (
    <PagedRegister<Process>
      org={org}
      register="processes"
      caption={t('inventory.tabs.processes')}
      columns={[
        { label: t('inventory.fields.key'), cell: (p) => p.key },
        { label: t('inventory.fields.name'), cell: (p) => p.name },
        {
          label: t('inventory.fields.importance'),
          cell: (p) =>
            p.importance ? (
              <Badge variant="light" color={CRITICALITY_COLOR[p.importance]}>
                {t(`inventory.criticality.${p.importance}`)}
              </Badge>
            ) : (
              t('inventory.criticality.none')
            ),
        },
        { label: t('inventory.fields.description'), cell: (p) => dash(p.description) },
      ]}
    />
  );
}

export function SuppliersList({ org }: { org: string }) {
  const { t } = useTranslation();
  return (
    <PagedRegister<Supplier>
      org={org}
      register="suppliers"
      caption={t('inventory.tabs.suppliers')}
      columns={[
        { label: t('inventory.fields.key'), cell: (s) => s.key },
        { label: t('inventory.fields.name'), cell: (s) => s.name },
        { label: t('inventory.fields.contact_name'), cell: (s) => dash(s.contact_name) },
        {
          label: t('inventory.fields.contact_email'),
          cell: (s) => (s.contact_email ? <a href={`mailto:${s.contact_email}`}>{s.contact_email}</a> : '—'),
        },
        { label: t('inventory.fields.contact_phone'), cell: (s) => dash(s.contact_phone) },
      ]}
    />
  );
}

export function ComponentsList({ org }: { org: string }) {
  const { t } = useTranslation();
  return (
    <PagedRegister<Component>
      org={org}
      register="components"
      caption={t('inventory.tabs.components')}
      columns={[
        { label: t('inventory.fields.key'), cell: (c) => c.key },
        {
          label: t('inventory.fields.system'),
          cell: (c) => (
            <SystemLink org={org} systemKey={c.system}>
              {`${c.system} · ${c.system_name}`}
            </SystemLink>
          ),
        },
        { label: t('inventory.fields.vendor'), cell: (c) => dash(c.vendor) },
        { label: t('inventory.fields.product'), cell: (c) => dash(c.product) },
        { label: t('inventory.fields.version'), cell: (c) => dash(c.version) },
        { label: t('inventory.fields.cpe'), cell: (c) => dash(c.cpe ?? c.purl) },
      ]}
    />
  );
}
