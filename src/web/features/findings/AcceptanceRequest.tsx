import { Button, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { Membership } from '../../app/api-types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { canAcceptRisk, canTriage, type Finding, type AcceptanceRequest as Request } from './access';
import { ExpiryInput } from './ExpiryInput';
import { useFindingFormats } from './format';

/** The query key of an organisation's open requests (a finding's own, or the queue). */
export const requestsKey = (org: string) => ['findings', org, 'acceptance-requests'];

/** Those who follow findings up put the finding's risk to management: a reason and an expiry. */
function AskForm(props: { org: string; finding: Finding; onDone(): void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState('');
  const [errors, setErrors] = useState<{ reason?: string; until?: string }>({});
  const ask = useMutation({
    mutationFn: () =>
      api<Request>(
        'POST',
        `/orgs/${encodeURIComponent(props.org)}/findings/${props.finding.id}/acceptance-requests`,
        { reason: reason.trim(), accepted_until: until },
      ),
    onSuccess: props.onDone,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = {
      reason: reason.trim() ? undefined : t('findings.change.reasonRequired'),
      until: until ? undefined : t('findings.change.untilRequired'),
    };
    setErrors(next);
    if (!next.reason && !next.until) ask.mutate();
  };
  return (
    <form onSubmit={submit} noValidate aria-label={t('findings.acceptance.ask')}>
      <Stack>
        <Text size="sm">{t('findings.acceptance.askExplain')}</Text>
        <Textarea
          label={t('findings.change.reason')}
          description={t('findings.change.reasonHint')}
          required
          autosize
          minRows={2}
          maxLength={2000}
          value={reason}
          error={errors.reason}
          onChange={(e) => setReason(e.currentTarget.value)}
        />
        <ExpiryInput
          label={t('findings.acceptance.proposedUntil')}
          value={until}
          error={errors.until}
          onChange={setUntil}
        />
        <ErrorAlert title={t('findings.acceptance.failed')} error={ask.error} />
        <Group>
          <Button type="submit" loading={ask.isPending}>
            {t('findings.acceptance.send')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Management decides an open request: approve, or decline with a note for the person who asked. */
function Decide(props: { org: string; request: Request; onDone(decision: string): void }) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState<string>();
  const decide = useMutation({
    mutationFn: (decision: 'approved' | 'declined') =>
      api<Request>(
        'POST',
        `/orgs/${encodeURIComponent(props.org)}/findings/acceptance-requests/${props.request.id}/decision`,
        { decision, ...(note.trim() ? { note: note.trim() } : {}) },
      ),
    onSuccess: (r) => props.onDone(r.decision ?? ''),
  });
  return (
    <Stack>
      <Textarea
        label={t('findings.acceptance.note')}
        description={t('findings.acceptance.noteHint')}
        autosize
        minRows={2}
        maxLength={2000}
        value={note}
        error={noteError}
        onChange={(e) => setNote(e.currentTarget.value)}
      />
      <ErrorAlert title={t('findings.acceptance.failed')} error={decide.error} />
      <Group gap="sm">
        <Button
          loading={decide.isPending && decide.variables === 'approved'}
          onClick={() => decide.mutate('approved')}
        >
          {t('findings.acceptance.approve')}
        </Button>
        <Button
          variant="default"
          loading={decide.isPending && decide.variables === 'declined'}
          onClick={() => {
            if (!note.trim()) {
              setNoteError(t('findings.acceptance.noteRequired'));
              return;
            }
            setNoteError(undefined);
            decide.mutate('declined');
          }}
        >
          {t('findings.acceptance.decline')}
        </Button>
      </Group>
    </Stack>
  );
}

/**
 * A finding's risk put to management: the open request (who asked, why, until when) with
 * management's decision, or, for those who follow findings up, the form to ask. Nothing for
 * others, nor when there is nothing to ask (the finding is not open or in progress).
 */
export function AcceptanceRequestPanel(props: {
  org: string;
  finding: Finding;
  membership: Membership | undefined;
}) {
  const { t } = useTranslation();
  const f = useFindingFormats();
  const queryClient = useQueryClient();
  const [done, setDone] = useState<string>();
  const [asking, setAsking] = useState(false);
  const unfinished = props.finding.state === 'open' || props.finding.state === 'in_progress';
  const asks = canTriage(props.membership) && !canAcceptRisk(props.membership);
  const decides = canAcceptRisk(props.membership);
  const open = useQuery({
    queryKey: [...requestsKey(props.org), props.finding.id],
    queryFn: () =>
      api<{ items: Request[] }>(
        'GET',
        `/orgs/${encodeURIComponent(props.org)}/findings/acceptance-requests?finding=${props.finding.id}&limit=1`,
      ),
  });
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: ['findings', props.org] });
  };
  const request = open.data?.items[0];
  if (!request && !(asks && unfinished) && done === undefined) return null;
  return (
    <Paper withBorder p="md" data-testid="acceptance-request">
      <Title order={2} size="h4" mb="xs">
        {t('findings.acceptance.title')}
      </Title>
      <ErrorAlert title={t('app.error')} error={open.error} />
      {request ? (
        <Stack gap="xs">
          <Text size="sm" data-testid="acceptance-request-open">
            {t('findings.acceptance.asked', {
              name: request.requested_by.name ?? '—',
              at: f.moment(request.requested_at),
              until: f.date(request.accepted_until),
            })}
          </Text>
          <Text size="sm" fs="italic">
            {request.reason}
          </Text>
          {decides ? (
            <Decide
              org={props.org}
              request={request}
              onDone={async (decision) => {
                setDone(t(`findings.acceptance.done.${decision}`));
                await refresh();
              }}
            />
          ) : (
            <Text size="sm" c="dimmed">
              {t('findings.acceptance.waiting')}
            </Text>
          )}
        </Stack>
      ) : asks && unfinished && asking ? (
        <AskForm
          org={props.org}
          finding={props.finding}
          onDone={async () => {
            setAsking(false);
            setDone(t('findings.acceptance.sent'));
            await refresh();
          }}
        />
      ) : (
        asks &&
        unfinished && (
          <Button variant="light" onClick={() => setAsking(true)}>
            {t('findings.acceptance.ask')}
          </Button>
        )
      )}
      <Text role="status" size="sm" mt="xs">
        {done ?? ''}
      </Text>
    </Paper>
  );
}
