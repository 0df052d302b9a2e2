import {
  Button,
  Checkbox,
  Fieldset,
  Group,
  NativeSelect,
  Paper,
  Stack,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../app/api';
import { ErrorAlert } from '../../components/ErrorAlert';
import type { System } from './access';
import { bodyOf, type FormField, type FormValues, initialValues, SYSTEM_GROUPS } from './fields';

/**
 * Adds a system (POST: key and name required) or changes one (PATCH: only the fields changed;
 * an emptied field is cleared). The server's refusals are shown next to the fields they name.
 */
export function SystemForm(props: {
  system?: System;
  pending: boolean;
  error: unknown;
  onSubmit(body: Record<string, unknown>): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  return (
    <RecordForm
      record={props.system}
      groups={SYSTEM_GROUPS}
      addTitle={t('inventory.form.addTitle')}
      failed={t('inventory.form.failed')}
      pending={props.pending}
      error={props.error}
      onSubmit={props.onSubmit}
      onCancel={props.onCancel}
    />
  );
}

/**
 * The form of a register's record (a system, a process, a supplier or a component): its fields
 * by group; on create the key too. Submits a POST body (everything given) or a PATCH body (only
 * what changed).
 */
export function RecordForm(props: {
  record?: { key: string };
  groups: ReadonlyArray<{ id: string; fields: FormField[] }>;
  addTitle: string;
  failed: string;
  pending: boolean;
  error: unknown;
  onSubmit(body: Record<string, unknown>): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const all = props.groups.flatMap((g) => g.fields);
  const [initial] = useState(() => (props.record ? initialValues(props.record, all) : undefined));
  const [values, setValues] = useState<FormValues>(() => initialValues(props.record, all));
  const fields = props.error instanceof ApiError ? props.error.fields : [];
  const fieldError = (name: string) =>
    fields.some((f) => f.path === `body.${name}` || f.path.startsWith(`body.${name}.`))
      ? t('inventory.form.invalid')
      : undefined;
  const set = (name: string, value: string) => setValues((v) => ({ ...v, [name]: value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onSubmit(bodyOf(values, initial, all));
  };
  const title = props.record ? t('inventory.form.editTitle', { key: props.record.key }) : props.addTitle;

  const input = (f: FormField) => {
    const common = {
      label: t(`inventory.fields.${f.name}`),
      error: fieldError(f.name),
      required: f.required ?? false,
    };
    const value = values[f.name] ?? '';
    switch (f.kind.t) {
      case 'flag':
        return (
          <Checkbox
            key={f.name}
            w={280}
            mt="lg"
            label={common.label}
            checked={value === 'true'}
            error={common.error}
            onChange={(e) => set(f.name, e.currentTarget.checked ? 'true' : 'false')}
          />
        );
      case 'bool':
        return (
          <NativeSelect
            key={f.name}
            {...common}
            w={220}
            value={value}
            onChange={(e) => set(f.name, e.currentTarget.value)}
            data={[
              { value: '', label: t('inventory.notRecorded') },
              { value: 'true', label: t('inventory.yes') },
              { value: 'false', label: t('inventory.no') },
            ]}
          />
        );
      case 'enum': {
        const prefix = f.kind.prefix;
        return (
          <NativeSelect
            key={f.name}
            {...common}
            w={220}
            value={value}
            onChange={(e) => set(f.name, e.currentTarget.value)}
            data={[
              {
                value: '',
                label:
                  f.name === 'criticality' ? t('inventory.criticality.none') : t('inventory.notRecorded'),
              },
              ...f.kind.values.map((v) => ({ value: v, label: t(`${prefix}.${v}`) })),
            ]}
          />
        );
      }
      case 'note':
        return (
          <Textarea
            key={f.name}
            {...common}
            w="100%"
            autosize
            minRows={1}
            value={value}
            onChange={(e) => set(f.name, e.currentTarget.value)}
          />
        );
      default:
        return (
          <TextInput
            key={f.name}
            {...common}
            type={f.kind.t === 'date' ? 'date' : f.kind.t === 'email' ? 'email' : 'text'}
            inputMode={f.kind.t === 'hours' ? 'decimal' : undefined}
            description={
              f.kind.t === 'list'
                ? t('inventory.form.listHint')
                : f.kind.t === 'hours'
                  ? t('inventory.form.hoursHint')
                  : f.name === 'shared_system'
                    ? t('inventory.form.sharedHint')
                    : undefined
            }
            w={f.kind.t === 'date' ? 220 : f.kind.t === 'list' || f.name === 'shared_system' ? '100%' : 280}
            value={value}
            onChange={(e) => set(f.name, e.currentTarget.value)}
          />
        );
    }
  };

  return (
    <Paper withBorder p="md" maw={960}>
      <form onSubmit={submit} aria-label={title} noValidate>
        <Stack gap="md">
          <Title order={2} size="h3">
            {title}
          </Title>
          {!props.record && (
            <TextInput
              label={t('inventory.fields.key')}
              description={t('inventory.form.keyHint')}
              required
              maw={320}
              value={values.key ?? ''}
              error={fieldError('key')}
              onChange={(e) => set('key', e.currentTarget.value)}
            />
          )}
          {props.groups.map((g) => (
            <Fieldset key={g.id} legend={t(`inventory.groups.${g.id}`)}>
              <Group gap="md" align="flex-start" wrap="wrap">
                {g.fields.map(input)}
              </Group>
            </Fieldset>
          ))}
          <ErrorAlert title={props.failed} error={props.error} />
          <Group gap="sm">
            <Button type="submit" loading={props.pending}>
              {t('inventory.form.save')}
            </Button>
            <Button variant="default" onClick={props.onCancel}>
              {t('common.cancel')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
