import { Autocomplete } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Ref } from 'react';
import { api } from '../app/api';

interface SystemItem {
  key: string;
  name: string;
}

/**
 * A system's key, typed or chosen among the organisation's systems that match what is typed (key
 * or name, searched on the server, ten at a time). The value is the key, as the API takes it.
 */
export function SystemPicker(props: {
  org: string;
  label: string;
  description: string;
  required: boolean;
  value: string;
  error: string | undefined;
  onChange(key: string): void;
  inputRef?: Ref<HTMLInputElement>;
}) {
  const [search] = useDebouncedValue(props.value.trim(), 250);
  const systems = useQuery({
    queryKey: ['inventory', props.org, 'systems', 'picker', search],
    queryFn: () =>
      api<{ items: SystemItem[] }>(
        'GET',
        `/orgs/${encodeURIComponent(props.org)}/inventory/systems?limit=10${search ? `&q=${encodeURIComponent(search)}` : ''}`,
      ),
    placeholderData: keepPreviousData,
  });
  const items = systems.data?.items ?? [];
  const names = new Map(items.map((s) => [s.key, s.name]));
  return (
    <Autocomplete
      ref={props.inputRef}
      label={props.label}
      description={props.description}
      required={props.required}
      w={320}
      maxLength={100}
      value={props.value}
      error={props.error}
      onChange={props.onChange}
      // Autocomplete puts an option's label into the field: the options are the keys, shown with
      // their names.
      data={items.map((s) => s.key)}
      renderOption={({ option }) => `${option.value} · ${names.get(option.value) ?? ''}`}
      // The server has searched already; the list shows what it found.
      filter={({ options }) => options}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
