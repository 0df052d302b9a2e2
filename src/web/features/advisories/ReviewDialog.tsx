import { Button, Group, Stack, Text, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { AppModal } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import type { AdvisoryMatch, Decision } from './access';

/**
 * Confirms or rejects one match, with an optional note kept with the decision (and in the audit
 * trail). The server's refusal (400: a certain match; 403: not a security officer) is shown as it
 * words it, already translated.
 */
export function ReviewDialog(props: {
  org: string;
  match: AdvisoryMatch | undefined;
  decision: Decision | undefined;
  onDone(match: AdvisoryMatch): void;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const title = props.decision ? t(`advisories.review.${props.decision}.title`) : '';
  return (
    <AppModal
      opened={props.match !== undefined && props.decision !== undefined}
      onClose={props.onClose}
      title={title}
    >
      {props.match && props.decision && (
        <ReviewForm
          key={`${props.match.id}-${props.decision}`}
          org={props.org}
          match={props.match}
          decision={props.decision}
          onDone={props.onDone}
          onCancel={props.onClose}
        />
      )}
    </AppModal>
  );
}

function ReviewForm(props: {
  org: string;
  match: AdvisoryMatch;
  decision: Decision;
  onDone(match: AdvisoryMatch): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const review = useMutation({
    mutationFn: () =>
      api<AdvisoryMatch>(
        'POST',
        `/orgs/${encodeURIComponent(props.org)}/advisory-matches/${encodeURIComponent(props.match.id)}/review`,
        { decision: props.decision, ...(note.trim() ? { note: note.trim() } : {}) },
      ),
    onSuccess: async (decided) => {
      await queryClient.invalidateQueries({ queryKey: ['advisories', props.org, 'matches'] });
      props.onDone(decided);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    review.mutate();
  };
  const m = props.match;
  return (
    <form onSubmit={submit} noValidate aria-label={t(`advisories.review.${props.decision}.title`)}>
      <Stack>
        <Text>
          {t(`advisories.review.${props.decision}.explain`, {
            system: `${m.system.key} · ${m.system.name}`,
            product: m.product.name,
            advisory: m.advisory.tracking_id,
          })}
        </Text>
        <Textarea
          label={t('advisories.review.note')}
          description={t('advisories.review.noteHint')}
          autosize
          minRows={3}
          maxLength={2000}
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
          data-autofocus
        />
        <ErrorAlert title={t('advisories.review.failed')} error={review.error} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={props.onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={review.isPending}>
            {t(`advisories.review.${props.decision}.submit`)}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
