import { Button, Group, NativeSelect, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../app/api';
import { ErrorAlert } from '../../components/ErrorAlert';
import type { Dependency } from './access';

type FromType = Dependency['from_type'];
type ToType = Dependency['to_type'];
/** Seen from one system: what it uses (it is the "from" end), or what uses it (the "to" end). */
type Direction = 'uses' | 'usedBy';

/** What a process or a system may depend on (the server's rule, inventory/schemas.ts). */
const TO_TYPES: Record<FromType, ToType[]> = { process: ['system'], system: ['system', 'supplier'] };
/** The other end's possible types, seen from a system. */
const OTHER_TYPES: Record<Direction, Array<FromType | ToType>> = {
  uses: TO_TYPES.system,
  usedBy: ['process', 'system'],
};

/**
 * Adds a dependency: on the dependencies register from a process or a system to a system or a
 * supplier, by their keys; on a system's page (`system`, its key) the system is one end, and the
 * form asks for the direction and the other end. Every inventory query refreshes afterwards, the
 * system's graph included.
 */
export function AddDependency(props: { org: string; system?: string; onDone(): void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const hintId = useId();
  const { system } = props;
  const [fromType, setFromType] = useState<FromType>('system');
  const [fromKey, setFromKey] = useState('');
  const [toType, setToType] = useState<ToType>('system');
  const [toKey, setToKey] = useState('');
  const [direction, setDirection] = useState<Direction>('uses');
  const [otherType, setOtherType] = useState<FromType | ToType>('system');
  const [otherKey, setOtherKey] = useState('');
  const body =
    system === undefined
      ? { from_type: fromType, from_key: fromKey.trim(), to_type: toType, to_key: toKey.trim() }
      : direction === 'uses'
        ? { from_type: 'system', from_key: system, to_type: otherType, to_key: otherKey.trim() }
        : { from_type: otherType, from_key: otherKey.trim(), to_type: 'system', to_key: system };
  const create = useMutation({
    mutationFn: () =>
      api<Dependency>('POST', `/orgs/${encodeURIComponent(props.org)}/inventory/dependencies`, body),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['inventory', props.org] });
      props.onDone();
    },
  });
  const fields = create.error instanceof ApiError ? create.error.fields : [];
  const fieldError = (...names: string[]) =>
    fields.some((f) => names.some((name) => f.path === `body.${name}`))
      ? t('inventory.form.invalid')
      : undefined;
  const title = t('inventory.dependencies.add');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const typeOptions = (types: readonly string[]) =>
    types.map((v) => ({ value: v, label: t(`inventory.graph.types.${v}`) }));
  return (
    <Paper withBorder p="md" maw={960}>
      <form
        onSubmit={submit}
        aria-label={title}
        aria-describedby={system === undefined ? undefined : hintId}
        noValidate
      >
        <Stack gap="md">
          <Title order={system === undefined ? 2 : 3} size="h3">
            {title}
          </Title>
          {system === undefined ? (
            <>
              <Group gap="md" align="flex-start" wrap="wrap">
                <NativeSelect
                  label={t('inventory.dependencies.fromType')}
                  w={220}
                  value={fromType}
                  error={fieldError('from_type')}
                  data={typeOptions(['process', 'system'])}
                  onChange={(e) => {
                    const next = e.currentTarget.value as FromType;
                    setFromType(next);
                    if (!TO_TYPES[next].includes(toType)) setToType('system');
                  }}
                />
                <TextInput
                  label={t('inventory.dependencies.fromKey')}
                  required
                  w={280}
                  value={fromKey}
                  error={fieldError('from_key')}
                  onChange={(e) => setFromKey(e.currentTarget.value)}
                />
              </Group>
              <Group gap="md" align="flex-start" wrap="wrap">
                <NativeSelect
                  label={t('inventory.dependencies.toType')}
                  w={220}
                  value={toType}
                  error={fieldError('to_type')}
                  data={typeOptions(TO_TYPES[fromType])}
                  onChange={(e) => setToType(e.currentTarget.value as ToType)}
                />
                <TextInput
                  label={t('inventory.dependencies.toKey')}
                  required
                  w={280}
                  value={toKey}
                  error={fieldError('to_key')}
                  onChange={(e) => setToKey(e.currentTarget.value)}
                />
              </Group>
            </>
          ) : (
            <>
              <Text size="sm" id={hintId}>
                {t('inventory.dependencies.systemHint', { key: system })}
              </Text>
              <Group gap="md" align="flex-start" wrap="wrap">
                <NativeSelect
                  label={t('inventory.graph.direction')}
                  w={200}
                  value={direction}
                  data={(['uses', 'usedBy'] as const).map((v) => ({
                    value: v,
                    label: t(`inventory.graph.${v}`),
                  }))}
                  onChange={(e) => {
                    const next = e.currentTarget.value as Direction;
                    setDirection(next);
                    if (!OTHER_TYPES[next].includes(otherType)) setOtherType('system');
                  }}
                />
                <NativeSelect
                  label={t('inventory.graph.type')}
                  w={200}
                  value={otherType}
                  error={fieldError('from_type', 'to_type')}
                  data={typeOptions(OTHER_TYPES[direction])}
                  onChange={(e) => setOtherType(e.currentTarget.value as FromType | ToType)}
                />
                <TextInput
                  label={t('inventory.fields.key')}
                  required
                  w={240}
                  value={otherKey}
                  error={fieldError('from_key', 'to_key')}
                  onChange={(e) => setOtherKey(e.currentTarget.value)}
                />
              </Group>
            </>
          )}
          <ErrorAlert title={t('inventory.dependencies.failed')} error={create.error} />
          <Group gap="sm">
            <Button type="submit" loading={create.isPending}>
              {t('inventory.form.save')}
            </Button>
            <Button variant="default" onClick={props.onDone}>
              {t('common.cancel')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
