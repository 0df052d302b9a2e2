import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Fieldset,
  MultiSelect,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { member } from '../../../server/modules/directory/schemas';
import { api } from '../../app/api';
import type { Page } from '../../app/api-types';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import type { Tlp } from '../advisories/access';
import { AudiencePreview } from './AudiencePreview';
import { type AlertSeverity, canIssueAlerts } from './access';
import { type ComposedAlert, issuedAlertsKey } from './sector';

const FORM_TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const satisfies readonly Tlp[];
type FormTlp = (typeof FORM_TLPS)[number];
const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const satisfies readonly AlertSeverity[];
/** The labels under which child organisations may be included (migration 0033). */
const CHILDREN_TLPS: readonly FormTlp[] = ['CLEAR', 'GREEN', 'AMBER'];

type Member = z.infer<typeof member>;

/**
 * The organisation's admin or security officer writes an alert to its own subscribers (and, under
 * CLEAR, GREEN or AMBER when chosen, its child organisations), sees whom it reaches, publishes it.
 */
export function OrgComposeAlertPage() {
  const { t } = useTranslation();
  const { current, nameOf } = useOrg();
  const may = canIssueAlerts(current);
  const base = current ? `/orgs/${encodeURIComponent(current.org)}` : '';
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [severity, setSeverity] = useState<AlertSeverity>('high');
  const [action, setAction] = useState('');
  const [tlp, setTlp] = useState<FormTlp>('GREEN');
  const [children, setChildren] = useState(false);
  const [people, setPeople] = useState<string[]>([]);
  const [missing, setMissing] = useState(false);
  const red = tlp === 'RED';
  const childrenAllowed = CHILDREN_TLPS.includes(tlp);
  const members = useQuery({
    queryKey: ['org-members', current?.org, 'alert-people'],
    queryFn: () => api<Page<Member>>('GET', `${base}/members?limit=500`),
    enabled: may,
  });
  const audience = { children: children && childrenAllowed, people };
  const queryClient = useQueryClient();
  const publish = useMutation({
    mutationFn: (input: object) => api<ComposedAlert>('POST', `${base}/issued-alerts`, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: issuedAlertsKey(current?.org ?? '') }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const empty = !title.trim() || !body.trim() || (red && people.length === 0);
    setMissing(empty);
    if (empty) return;
    publish.mutate({
      title: title.trim(),
      body: body.trim(),
      severity,
      tlp,
      audience,
      ...(action.trim() ? { recommended_action: action.trim() } : {}),
    });
  };
  if (!may || !current) {
    return (
      <Stack maw={900}>
        <PageTitle>{t('alerts.org.composeTitle')}</PageTitle>
        <Text>{t('alerts.org.notAllowed')}</Text>
      </Stack>
    );
  }
  if (publish.data) {
    const r = publish.data.recipients;
    return (
      <Stack maw={900}>
        <PageTitle>{t('alerts.org.composeTitle')}</PageTitle>
        <Alert color="green" variant="light" title={t('alerts.org.published')} data-testid="published">
          {t('alerts.sector.preview.reaches', {
            organisations: t('alerts.sector.preview.organisations', { count: r.organisations }),
            people: t('alerts.sector.preview.people', { count: r.people }),
          })}{' '}
          {t('alerts.sector.preview.subscribers', {
            subscribers: t('alerts.sector.preview.people', { count: r.subscribers }),
            emails: t('alerts.sector.preview.emails', { count: r.emails }),
            notifications: t('alerts.sector.preview.notifications', { count: r.notifications }),
          })}
        </Alert>
        <Anchor
          renderRoot={(props) => <Link {...props} to="/alerts/issued/$id" params={{ id: publish.data.id }} />}
        >
          {t('alerts.org.followAnswers')}
        </Anchor>
        <Anchor renderRoot={(props) => <Link {...props} to="/alerts/issued" />} size="sm">
          {t('alerts.org.issuedLink')}
        </Anchor>
        <Anchor renderRoot={(props) => <Link {...props} to="/alerts" />} size="sm">
          {t('alerts.org.backToAlerts')}
        </Anchor>
      </Stack>
    );
  }
  return (
    <form onSubmit={submit} noValidate>
      <Stack maw={900}>
        <Anchor renderRoot={(props) => <Link {...props} to="/alerts" />} size="sm">
          {t('alerts.org.backToAlerts')}
        </Anchor>
        <PageTitle>{t('alerts.org.composeTitle')}</PageTitle>
        <Text>{t('alerts.org.intro', { organisation: nameOf(current.org) })}</Text>
        <TextInput
          label={t('alerts.fields.title')}
          required
          maxLength={500}
          value={title}
          onChange={(e) => setTitle(e.currentTarget.value)}
          error={missing && !title.trim() ? t('alerts.sector.required') : undefined}
        />
        <Textarea
          label={t('alerts.alert.body')}
          required
          autosize
          minRows={5}
          maxLength={50_000}
          value={body}
          onChange={(e) => setBody(e.currentTarget.value)}
          error={missing && !body.trim() ? t('alerts.sector.required') : undefined}
        />
        <Select
          label={t('alerts.fields.severity')}
          allowDeselect={false}
          value={severity}
          onChange={(v) => v && setSeverity(v as AlertSeverity)}
          data={SEVERITIES.map((s) => ({ value: s, label: t(`alerts.severity.${s}`) }))}
        />
        <Textarea
          label={t('alerts.alert.action')}
          description={t('alerts.sector.optional')}
          autosize
          minRows={2}
          maxLength={10_000}
          value={action}
          onChange={(e) => setAction(e.currentTarget.value)}
        />
        <Select
          label={t('alerts.fields.tlp')}
          allowDeselect={false}
          value={tlp}
          onChange={(v) => v && setTlp(v as FormTlp)}
          data={FORM_TLPS.map((l) => ({ value: l, label: `TLP:${l}` }))}
          description={t(`alerts.org.tlpReach.${tlp}`)}
        />
        <Fieldset legend={t('alerts.sector.audience')}>
          <Stack>
            <Checkbox
              label={t('alerts.org.children')}
              description={childrenAllowed ? t('alerts.org.childrenHint') : t('alerts.org.childrenNotUnder')}
              checked={children && childrenAllowed}
              disabled={!childrenAllowed}
              onChange={(e) => setChildren(e.currentTarget.checked)}
            />
            <ErrorAlert title={t('app.error')} error={members.error} />
            <MultiSelect
              label={t('alerts.org.people')}
              description={red ? t('alerts.org.redPeopleHint') : t('alerts.org.peopleHint')}
              searchable
              value={people}
              onChange={setPeople}
              data={(members.data?.items ?? []).map((m) => ({
                value: m.user_id,
                label: `${m.name} <${m.email}>`,
              }))}
              error={missing && red && people.length === 0 ? t('alerts.sector.redNeedsPeople') : undefined}
            />
            <AudiencePreview
              input={{ tlp, severity, audience }}
              url={`${base}/issued-alerts/preview`}
              empty={red && people.length === 0}
            />
          </Stack>
        </Fieldset>
        <ErrorAlert title={t('alerts.sector.publishFailed')} error={publish.error} />
        <Button type="submit" loading={publish.isPending} maw={240}>
          {t('alerts.sector.publish')}
        </Button>
      </Stack>
    </form>
  );
}
