import { Button, Group, Radio, Stack, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ANSWER_STATUSES, type AnswerStatus } from './access';

export interface AnswerInput {
  status: AnswerStatus;
  note?: string;
}

/**
 * The organisation's answer to an alert: one status and an optional note (kept with the answer).
 * Nothing is sent until the button is pressed; the server's refusal is shown as it words it.
 */
export function AnswerForm(props: {
  statuses?: readonly AnswerStatus[];
  pending: boolean;
  error: unknown;
  onAnswer(input: AnswerInput): void;
}) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<AnswerStatus | ''>('');
  const [note, setNote] = useState('');
  const [missing, setMissing] = useState(false);
  const statuses = props.statuses ?? ANSWER_STATUSES;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setMissing(status === '');
    if (status === '') return;
    props.onAnswer({ status, ...(note.trim() ? { note: note.trim() } : {}) });
  };
  return (
    <form onSubmit={submit} noValidate aria-label={t('alerts.answer.form')}>
      <Stack>
        <ErrorAlert title={t('alerts.answer.failed')} error={props.error} />
        <Radio.Group
          label={t('alerts.answer.status')}
          value={status}
          onChange={(v) => setStatus(v as AnswerStatus)}
          error={missing ? t('alerts.answer.statusRequired') : undefined}
          withAsterisk
        >
          <Stack gap="xs" mt="xs">
            {statuses.map((s) => (
              <Radio key={s} value={s} label={t(`alerts.status.${s}`)} />
            ))}
          </Stack>
        </Radio.Group>
        <Textarea
          label={t('alerts.answer.note')}
          description={t('alerts.answer.noteHint')}
          autosize
          minRows={2}
          maxLength={4000}
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
        />
        <Group>
          <Button type="submit" loading={props.pending}>
            {t('alerts.answer.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
