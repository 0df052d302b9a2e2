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
import { Link, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { type AdvisoryListItem, isSectorCoordinator, type Tlp } from '../advisories/access';
import { KINDS, type OrgKind, wholeDirectoryQuery } from '../organisations/directory';
import { AdvisoryPicker } from './AdvisoryPicker';
import { AudiencePreview } from './AudiencePreview';
import type { AlertSeverity } from './access';
import { NamedPeople, type NamedPerson } from './NamedPeople';
import {
  type Audience,
  audienceIsEmpty,
  type ComposedAlert,
  type ComposeInput,
  sectorAlertsKey,
} from './sector';

/** The labels the form offers; RED reaches only the named people (NamedPeople). */
const FORM_TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const satisfies readonly Tlp[];
type FormTlp = (typeof FORM_TLPS)[number];
const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const satisfies readonly AlertSeverity[];

/** The sector coordinator writes an alert, sees whom its audience reaches, and publishes it. */
export function ComposeAlertPage() {
  const { t } = useTranslation();
  const { memberships } = useOrg();
  const may = isSectorCoordinator(memberships);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [severity, setSeverity] = useState<AlertSeverity>('high');
  const [action, setAction] = useState('');
  const [tlp, setTlp] = useState<FormTlp>('GREEN');
  const [advisory, setAdvisory] = useState<AdvisoryListItem | null>(null);
  const [kinds, setKinds] = useState<OrgKind[]>([]);
  const [regions, setRegions] = useState<string[]>([]);
  const [affected, setAffected] = useState(false);
  const [organisations, setOrganisations] = useState<string[]>([]);
  const [people, setPeople] = useState<NamedPerson[]>([]);
  const red = tlp === 'RED';
  const [missing, setMissing] = useState(false);
  const directory = useQuery({ ...wholeDirectoryQuery, enabled: may });
  const orgs = directory.data ?? [];
  const named = people.map((p) => ({ org_id: p.org_id, user_id: p.user_id }));
  // Under RED the rules reach nobody: only the named people are sent.
  const audience: Audience = red
    ? { kinds: [], regions: [], affected: false, organisations: [], people: named }
    : { kinds, regions, affected: affected && advisory !== null, organisations, people: named };
  const publish = useMutation({
    mutationFn: (input: ComposeInput) => api<ComposedAlert>('POST', '/sector/alerts', input),
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: sectorAlertsKey });
      await navigate({ to: '/sector/alerts/$id', params: { id: created.id } });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const empty = !title.trim() || !body.trim() || audienceIsEmpty(audience);
    setMissing(empty);
    if (empty) return;
    publish.mutate({
      title: title.trim(),
      body: body.trim(),
      severity,
      tlp,
      audience,
      ...(action.trim() ? { recommended_action: action.trim() } : {}),
      ...(advisory ? { advisory_id: advisory.id } : {}),
    });
  };
  if (!may) {
    return (
      <Stack maw={900}>
        <PageTitle>{t('alerts.sector.composeTitle')}</PageTitle>
        <Text>{t('alerts.sector.notAllowed')}</Text>
      </Stack>
    );
  }
  return (
    <form onSubmit={submit} noValidate>
      <Stack maw={900}>
        <Anchor renderRoot={(props) => <Link {...props} to="/sector/alerts" />} size="sm">
          {t('alerts.sector.backToList')}
        </Anchor>
        <PageTitle>{t('alerts.sector.composeTitle')}</PageTitle>
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
          description={t(`alerts.sector.tlpReach.${tlp}`)}
        />
        {red && (
          <Alert color="red" variant="light" title={t('alerts.sector.redTitle')} data-testid="red-note">
            {t('alerts.sector.redNote')}
          </Alert>
        )}
        <AdvisoryPicker
          value={advisory}
          onChange={(a) => {
            setAdvisory(a);
            if (!a) setAffected(false);
          }}
        />
        <Fieldset legend={t('alerts.sector.audience')}>
          <Stack>
            <Text size="sm">
              {red ? t('alerts.sector.redAudienceHint') : t('alerts.sector.audienceHint')}
            </Text>
            <ErrorAlert title={t('app.error')} error={directory.error} />
            {!red && (
              <>
                <MultiSelect
                  label={t('alerts.sector.fields.kinds')}
                  searchable
                  value={kinds}
                  onChange={(v) => setKinds(v as OrgKind[])}
                  data={KINDS.map((k) => ({ value: k, label: t(`kinds.${k}`) }))}
                />
                <MultiSelect
                  label={t('alerts.sector.fields.regions')}
                  description={t('alerts.sector.regionsHint')}
                  searchable
                  value={regions}
                  onChange={setRegions}
                  data={orgs.filter((o) => o.kind === 'region').map((o) => ({ value: o.id, label: o.name }))}
                />
                {advisory && (
                  <Checkbox
                    label={t('alerts.sector.fields.affected')}
                    checked={affected}
                    onChange={(e) => setAffected(e.currentTarget.checked)}
                  />
                )}
                <MultiSelect
                  label={t('alerts.sector.fields.organisations')}
                  searchable
                  limit={50}
                  value={organisations}
                  onChange={setOrganisations}
                  data={orgs.map((o) => ({ value: o.id, label: o.name }))}
                />
              </>
            )}
            <NamedPeople value={people} onChange={setPeople} />
            <AudiencePreview
              input={{ tlp, severity, audience, ...(advisory ? { advisory_id: advisory.id } : {}) }}
            />
            {missing && audienceIsEmpty(audience) && (
              <Text c="red" size="sm">
                {red ? t('alerts.sector.redNeedsPeople') : t('alerts.sector.audienceRequired')}
              </Text>
            )}
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
