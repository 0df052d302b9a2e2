import { Button, Group, Paper, Stack, Textarea, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../app/api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { endOfDay, type GrantInput, startOfDay, today as todayOf } from './access';

type Field = 'email' | 'name' | 'starts_at' | 'ends_at' | 'data_from' | 'data_to' | 'note';
type Errors = Partial<Record<Field, string>>;
const FIELDS: readonly Field[] = ['email', 'name', 'starts_at', 'ends_at', 'data_from', 'data_to', 'note'];

/** The server's refusals that belong to one field (their title is already translated). */
const FIELD_OF_CODE: Record<string, Field> = {
  'grants.ends_in_past': 'ends_at',
  'grants.ends_before_start': 'ends_at',
  'grants.window_too_long': 'ends_at',
  'grants.data_period_invalid': 'data_to',
  'grants.name_required': 'name',
  'grants.platform_admin': 'email',
  'grants.user_deactivated': 'email',
  'grants.overlapping': 'email',
  'directory.email_taken': 'email',
};

function serverErrors(error: unknown, t: (key: string) => string): Errors {
  if (!(error instanceof ApiError)) return {};
  const coded = FIELD_OF_CODE[error.code];
  if (coded) return { [coded]: error.title };
  const found: Errors = {};
  for (const { path } of error.fields) {
    const field = FIELDS.find((f) => path === `body.${f}`);
    if (field) found[field] = t(`auditors.invalid.${field}`);
  }
  return found;
}

/** Grants a named auditor read-only access for a window, optionally limited to a data period. */
export function GrantForm(props: {
  pending: boolean;
  error: unknown;
  /** Bumped after a grant was made, to empty the form. */
  generation: number;
  onGrant(input: GrantInput): void;
}) {
  const { generation, ...rest } = props;
  return <GrantFormFields key={generation} {...rest} />;
}

function GrantFormFields(props: { pending: boolean; error: unknown; onGrant(input: GrantInput): void }) {
  const { t } = useTranslation();
  const today = todayOf();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [startsAt, setStartsAt] = useState(today);
  const [endsAt, setEndsAt] = useState('');
  const [dataFrom, setDataFrom] = useState('');
  const [dataTo, setDataTo] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const fromServer = serverErrors(props.error, t);
  const shown = { ...fromServer, ...errors };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found: Errors = {};
    if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) found.email = t('auditors.invalid.email');
    if (!endsAt) found.ends_at = t('auditors.required');
    else if (startsAt && endsAt < startsAt) found.ends_at = t('auditors.endsBeforeStart');
    if (dataFrom && dataTo && dataTo < dataFrom) found.data_to = t('auditors.dataToBeforeFrom');
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    props.onGrant({
      email: email.trim(),
      ...(name.trim() ? { name: name.trim() } : {}),
      // The window runs from the start of its first day (now, when that is today) to the end of
      // its last day, in the browser's time zone.
      ...(startsAt && startsAt > today ? { starts_at: startOfDay(startsAt) } : {}),
      ends_at: endOfDay(endsAt),
      ...(dataFrom ? { data_from: dataFrom } : {}),
      ...(dataTo ? { data_to: dataTo } : {}),
      ...(note.trim() ? { note: note.trim() } : {}),
    });
  };
  return (
    <Paper withBorder p="md" maw={720}>
      <form onSubmit={submit} noValidate aria-labelledby="grant-title">
        <Stack gap="sm">
          <Title order={2} size="h3" id="grant-title">
            {t('auditors.grant')}
          </Title>
          {Object.keys(fromServer).length === 0 && (
            <ErrorAlert title={t('auditors.grantFailed')} error={props.error} />
          )}
          <TextInput
            label={t('auditors.email')}
            type="email"
            required
            autoComplete="off"
            value={email}
            error={shown.email}
            onChange={(e) => setEmail(e.currentTarget.value)}
          />
          <TextInput
            label={t('auditors.name')}
            description={t('auditors.nameHint')}
            autoComplete="off"
            maxLength={200}
            value={name}
            error={shown.name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <Group gap="sm" align="flex-start">
            <TextInput
              type="date"
              label={t('auditors.startsAt')}
              description={t('auditors.startsHint')}
              w={260}
              value={startsAt}
              error={shown.starts_at}
              onChange={(e) => setStartsAt(e.currentTarget.value)}
            />
            <TextInput
              type="date"
              label={t('auditors.endsAt')}
              description={t('auditors.endsHint')}
              required
              w={260}
              min={startsAt || today}
              value={endsAt}
              error={shown.ends_at}
              onChange={(e) => setEndsAt(e.currentTarget.value)}
            />
          </Group>
          <Group gap="sm" align="flex-start">
            <TextInput
              type="date"
              label={t('auditors.dataFrom')}
              description={t('auditors.dataHint')}
              w={260}
              value={dataFrom}
              error={shown.data_from}
              onChange={(e) => setDataFrom(e.currentTarget.value)}
            />
            <TextInput
              type="date"
              label={t('auditors.dataTo')}
              description={t('auditors.dataHint')}
              w={260}
              value={dataTo}
              error={shown.data_to}
              onChange={(e) => setDataTo(e.currentTarget.value)}
            />
          </Group>
          <Textarea
            label={t('auditors.note')}
            description={t('auditors.noteHint')}
            maxLength={1000}
            value={note}
            error={shown.note}
            onChange={(e) => setNote(e.currentTarget.value)}
          />
          <Group>
            <Button type="submit" loading={props.pending}>
              {t('auditors.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
