import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { Page } from '../../app/api-types';
import type { AdvisoryListItem } from '../advisories/access';

const labelOf = (a: AdvisoryListItem) => `${a.tracking_id}: ${a.title}`;

/** An advisory the alert comes from, searched on the server by title, tracking id or CVE. */
export function AdvisoryPicker({
  value,
  onChange,
}: {
  value: AdvisoryListItem | null;
  onChange: (advisory: AdvisoryListItem | null) => void;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(value && search === labelOf(value) ? '' : search.trim(), 300);
  const found = useQuery({
    queryKey: ['advisories', 'pick', q],
    queryFn: () =>
      api<Page<AdvisoryListItem>>(
        'GET',
        `/advisories?${new URLSearchParams({ limit: '20', ...(q ? { q } : {}) })}`,
      ),
    placeholderData: keepPreviousData,
    retry: false,
  });
  const options = new Map<string, AdvisoryListItem>();
  if (value) options.set(value.id, value);
  for (const a of found.data?.items ?? []) options.set(a.id, a);
  return (
    <Select
      label={t('alerts.sector.fields.advisory')}
      description={t('alerts.sector.advisoryHint')}
      placeholder={t('alerts.sector.advisoryPlaceholder')}
      searchable
      clearable
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options: all }) => all}
      nothingFoundMessage={found.isFetching ? t('app.loading') : t('alerts.sector.noAdvisories')}
      value={value?.id ?? null}
      onChange={(id) => onChange((id && options.get(id)) || null)}
      data={[...options.values()].map((a) => ({ value: a.id, label: labelOf(a) }))}
    />
  );
}
