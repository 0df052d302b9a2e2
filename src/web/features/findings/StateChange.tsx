import { Button, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { Membership } from '../../app/api-types';
import { AppModal } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { type Finding, type ManualState, nextStates } from './access';
import { ExpiryInput } from './ExpiryInput';
import { findingChangesKey } from './FindingChanges';

/** The words of a move: accepting an accepted risk again is renewing it. */
const moveKey = (from: string, to: ManualState) => (from === to ? 'renew' : to);

/**
 * The form of one move: a reason (required for a false positive and a risk acceptance, kept in the
 * audit trail) and, for a risk acceptance, its expiry date. The server's refusal is shown as it
 * words it (already translated).
 */
function StateForm(props: {
  org: string;
  finding: Finding;
  to: ManualState;
  onDone(f: Finding): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState('');
  const [errors, setErrors] = useState<{ reason?: string; until?: string }>({});
  const needsReason = props.to === 'false_positive' || props.to === 'risk_accepted';
  const move = moveKey(props.finding.state, props.to);
  const accepting = props.to === 'risk_accepted';
  const change = useMutation({
    mutationFn: () =>
      api<Finding>('POST', `/orgs/${encodeURIComponent(props.org)}/findings/${props.finding.id}/state`, {
        state: props.to,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
        ...(accepting && until ? { accepted_until: until } : {}),
      }),
    onSuccess: async (updated) => {
      queryClient.setQueryData(['findings', props.org, 'finding', updated.id], updated);
      await queryClient.invalidateQueries({ queryKey: ['findings', props.org, 'list'] });
      await queryClient.invalidateQueries({ queryKey: findingChangesKey(props.org, updated.id) });
      props.onDone(updated);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = {
      reason: needsReason && !reason.trim() ? t('findings.change.reasonRequired') : undefined,
      until: accepting && !until ? t('findings.change.untilRequired') : undefined,
    };
    setErrors(next);
    if (next.reason || next.until) return;
    change.mutate();
  };
  return (
    <form onSubmit={submit} noValidate aria-label={t(`findings.change.to.${move}`)}>
      <Stack>
        <Text>{t(`findings.change.explain.${move}`)}</Text>
        <Textarea
          label={t('findings.change.reason')}
          description={t('findings.change.reasonHint')}
          required={needsReason}
          autosize
          minRows={3}
          maxLength={2000}
          value={reason}
          error={errors.reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          data-autofocus
        />
        {accepting && (
          <ExpiryInput
            label={t('findings.change.until')}
            value={until}
            error={errors.until}
            onChange={setUntil}
          />
        )}
        <ErrorAlert title={t('findings.change.failed')} error={change.error} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={props.onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={change.isPending}>
            {t(`findings.change.confirm.${move}`)}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * The moves this person may make from the finding's state, each opening a small dialog; shows
 * nothing to those who may make none (a member reads only).
 */
export function StateChange(props: { org: string; finding: Finding; membership: Membership | undefined }) {
  const { t } = useTranslation();
  const [to, setTo] = useState<ManualState>();
  const [done, setDone] = useState<string>();
  const moves = nextStates(props.membership, props.finding.state);
  // A change can leave no further move (management after accepting): its outcome is still said.
  if (moves.length === 0 && done === undefined) return null;
  return (
    <Paper withBorder p="md" data-testid="state-change">
      <Title order={2} size="h4" mb="xs">
        {t('findings.change.heading')}
      </Title>
      <Group gap="sm">
        {moves.map((m) => (
          <Button
            key={m}
            variant={m === 'open' ? 'default' : 'light'}
            onClick={() => {
              setDone(undefined);
              setTo(m);
            }}
          >
            {t(`findings.change.to.${moveKey(props.finding.state, m)}`)}
          </Button>
        ))}
      </Group>
      <Text role="status" size="sm" mt="xs">
        {done ?? ''}
      </Text>
      <AppModal
        opened={to !== undefined}
        onClose={() => setTo(undefined)}
        title={to ? t(`findings.change.to.${moveKey(props.finding.state, to)}`) : ''}
      >
        {to && (
          <StateForm
            org={props.org}
            finding={props.finding}
            to={to}
            onCancel={() => setTo(undefined)}
            onDone={(f) => {
              setTo(undefined);
              setDone(t('findings.change.done', { state: t(`findings.state.${f.state}`) }));
            }}
          />
        )}
      </AppModal>
    </Paper>
  );
}
