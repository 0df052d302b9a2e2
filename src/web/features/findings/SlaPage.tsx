import { Alert, Badge, Button, Group, NumberInput, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import {
  canReadFindings,
  canSetSla,
  SLA_CRITICALITIES,
  SLA_SEVERITIES,
  type SlaPolicy,
  type SlaResponse,
} from './access';
import { FindingsNav } from './FindingsNav';
import { useFindingFormats } from './format';

const DAYS = { min: 1, max: 3650 };
const CAP_DAYS = { min: 1, max: 365 };

const whole = (v: number, r: { min: number; max: number }) => Number.isInteger(v) && v >= r.min && v <= r.max;
const share = (v: number) => Number.isFinite(v) && v >= 0 && v <= 1;

/** Every value within the server's bounds (findings-schemas.ts slaPolicy). */
function valid(p: SlaPolicy): boolean {
  return (
    SLA_SEVERITIES.every((s) => SLA_CRITICALITIES.every((c) => whole(p.days[s][c], DAYS))) &&
    whole(p.kev_max_days, CAP_DAYS) &&
    whole(p.epss_max_days, CAP_DAYS) &&
    share(p.epss_score_threshold) &&
    share(p.epss_percentile_threshold)
  );
}

const asNumber = (v: string | number) =>
  typeof v === 'number' ? v : v.trim() === '' ? Number.NaN : Number(v);

/** The organisation's SLA: days to fix by severity and system criticality, and the caps. */
export function SlaPage() {
  const { t, i18n } = useTranslation();
  const { org } = useParams({ from: '/shell/orgs/$org/findings/sla' });
  const { memberships } = useOrg();
  const f = useFindingFormats();
  const queryClient = useQueryClient();
  const membership = memberships.find((m) => m.org === org);
  const allowed = canReadFindings(membership);
  const editable = canSetSla(membership);
  const path = `/orgs/${encodeURIComponent(org)}/findings/sla`;
  const sla = useQuery({
    queryKey: ['findings', org, 'sla'],
    queryFn: () => api<SlaResponse>('GET', path),
    enabled: allowed,
  });
  const [draft, setDraft] = useState<SlaPolicy>();
  const [recomputed, setRecomputed] = useState<number>();
  const [invalid, setInvalid] = useState(false);
  useEffect(() => {
    if (sla.data && !draft) setDraft(sla.data.policy);
  }, [sla.data, draft]);
  const save = useMutation({
    mutationFn: (policy: SlaPolicy) => api<SlaResponse>('PUT', path, policy),
    onMutate: () => setRecomputed(undefined),
    onSuccess: async (r) => {
      setRecomputed(r.recomputed ?? 0);
      setDraft(r.policy);
      queryClient.setQueryData(['findings', org, 'sla'], { custom: r.custom, policy: r.policy });
      await queryClient.invalidateQueries({ queryKey: ['findings', org], refetchType: 'none' });
    },
  });
  if (!allowed) {
    return (
      <Stack maw={720}>
        <PageTitle>{t('findings.sla.title')}</PageTitle>
        <Text data-testid="sla-no-access">{t('findings.noAccess')}</Text>
      </Stack>
    );
  }
  const setCell = (s: (typeof SLA_SEVERITIES)[number], c: (typeof SLA_CRITICALITIES)[number], v: number) =>
    setDraft((d) => (d ? { ...d, days: { ...d.days, [s]: { ...d.days[s], [c]: v } } } : d));
  const setCap = (k: Exclude<keyof SlaPolicy, 'days'>, v: number) =>
    setDraft((d) => (d ? { ...d, [k]: v } : d));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!draft) return;
    const ok = valid(draft);
    setInvalid(!ok);
    if (ok) save.mutate(draft);
  };
  const cellLabel = (s: string, c: string) =>
    t('findings.sla.cellLabel', {
      severity: t(`findings.severity.${s}`),
      criticality: t(`findings.sla.criticality.${c}`),
    });
  const p = editable ? draft : sla.data?.policy;
  const caps = [
    { key: 'kev_max_days', label: t('findings.sla.kevMaxDays'), hint: t('findings.sla.kevHint'), days: true },
    {
      key: 'epss_max_days',
      label: t('findings.sla.epssMaxDays'),
      hint: t('findings.sla.epssHint'),
      days: true,
    },
    {
      key: 'epss_score_threshold',
      label: t('findings.sla.epssScore'),
      hint: t('findings.sla.epssScoreHint'),
      days: false,
    },
    {
      key: 'epss_percentile_threshold',
      label: t('findings.sla.epssPercentile'),
      hint: t('findings.sla.epssPercentileHint'),
      days: false,
    },
  ] as const;
  return (
    <Stack maw={1100}>
      <FindingsNav org={org} />
      <PageTitle>{t('findings.sla.title')}</PageTitle>
      <Text>{t('findings.sla.intro')}</Text>
      {sla.data && (
        <Group gap="sm">
          <Badge variant="light" color={sla.data.custom ? 'blue' : 'gray'} data-testid="sla-custom">
            {sla.data.custom ? t('findings.sla.custom') : t('findings.sla.default')}
          </Badge>
          {!editable && <Text size="sm">{t('findings.sla.readOnly')}</Text>}
        </Group>
      )}
      <ErrorAlert title={t('app.error')} error={sla.error} />
      {sla.isPending && <Text role="status">{t('app.loading')}</Text>}
      {p && (
        <form onSubmit={submit} aria-label={t('findings.sla.title')} noValidate>
          <Stack gap="md">
            <Table.ScrollContainer minWidth={760}>
              <Table data-testid="sla-matrix" captionSide="top">
                <Table.Caption ta="left">{t('findings.sla.matrixCaption')}</Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('findings.sla.corner')}</Table.Th>
                    {SLA_CRITICALITIES.map((c) => (
                      <Table.Th scope="col" key={c}>
                        {t(`findings.sla.criticality.${c}`)}
                      </Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {SLA_SEVERITIES.map((s) => (
                    <Table.Tr key={s}>
                      <Table.Th scope="row">{t(`findings.severity.${s}`)}</Table.Th>
                      {SLA_CRITICALITIES.map((c) => (
                        <Table.Td key={c} data-testid={`sla-${s}-${c}`}>
                          {editable ? (
                            <NumberInput
                              aria-label={cellLabel(s, c)}
                              w={96}
                              min={DAYS.min}
                              max={DAYS.max}
                              allowDecimal={false}
                              allowNegative={false}
                              clampBehavior="none"
                              value={p.days[s][c]}
                              error={!whole(p.days[s][c], DAYS)}
                              onChange={(v) => setCell(s, c, asNumber(v))}
                            />
                          ) : (
                            t('findings.sla.days', { count: p.days[s][c] })
                          )}
                        </Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Paper withBorder p="md" component="section" aria-labelledby="sla-caps-heading">
              <Stack gap="sm">
                <Title order={2} size="h4" id="sla-caps-heading">
                  {t('findings.sla.caps')}
                </Title>
                {caps.map((cap) =>
                  editable ? (
                    <NumberInput
                      key={cap.key}
                      label={cap.label}
                      description={cap.hint}
                      maw={520}
                      min={cap.days ? CAP_DAYS.min : 0}
                      max={cap.days ? CAP_DAYS.max : 1}
                      step={cap.days ? 1 : 0.01}
                      decimalScale={cap.days ? 0 : 4}
                      allowDecimal={!cap.days}
                      decimalSeparator={i18n.language === 'en' ? '.' : ','}
                      allowNegative={false}
                      clampBehavior="none"
                      value={p[cap.key]}
                      error={cap.days ? !whole(p[cap.key], CAP_DAYS) : !share(p[cap.key])}
                      onChange={(v) => setCap(cap.key, asNumber(v))}
                    />
                  ) : (
                    <div key={cap.key}>
                      <Text fw={600} size="sm">
                        {`${cap.label}: ${cap.days ? t('findings.sla.days', { count: p[cap.key] }) : f.number(p[cap.key])}`}
                      </Text>
                      <Text size="sm">{cap.hint}</Text>
                    </div>
                  ),
                )}
              </Stack>
            </Paper>
            {editable && (
              <>
                {invalid && (
                  <Alert color="red" role="alert" data-testid="sla-invalid">
                    {t('findings.sla.invalid')}
                  </Alert>
                )}
                <ErrorAlert title={t('findings.sla.failed')} error={save.error} />
                <Text role="status" size="sm" fw={600} data-testid="sla-recomputed">
                  {recomputed !== undefined ? t('findings.sla.saved', { count: recomputed }) : ''}
                </Text>
                <Group>
                  <Button type="submit" loading={save.isPending}>
                    {t('findings.sla.save')}
                  </Button>
                </Group>
              </>
            )}
          </Stack>
        </form>
      )}
    </Stack>
  );
}
