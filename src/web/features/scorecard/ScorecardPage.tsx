import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  Paper,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { type FormEvent, lazy, Suspense, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { Page } from '../../app/api-types';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { PageTitle } from '../../components/PageTitle';
import {
  type ConfirmationSummary,
  type Criterion,
  canConfirm,
  canReadScorecard,
  canSnapshot,
  type EvidenceItem,
  type Scorecard,
  type Snapshot,
  STATUS_COLOR,
  STATUS_SYMBOL,
  type Trend,
} from './access';
import { percentFormat } from './percent';

/** The trend lines are drawn by a module of their own, loaded once the figures are shown. */
const Sparkline = lazy(() => import('./Sparkline').then((m) => ({ default: m.Sparkline })));

const TREND_DAYS = 90;
/** Systems per page of a criterion's evidence. */
const PAGE = 50;
/** Criteria whose evidence the server lists (3 and 4 are not measured yet). */
const HAS_EVIDENCE = new Set([1, 2, 5, 6, 7, 8, 9, 10]);

export function useScorecardFormats() {
  const { i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en-GB' : 'da-DK';
  const percent = percentFormat(locale);
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  return {
    percent,
    dateTime: (iso: string) => dateTime.format(new Date(iso)),
    date: (iso: string) => day.format(new Date(`${iso}T00:00:00Z`)),
  };
}

export function StatusBadge({ status }: { status: Criterion['status'] }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={STATUS_COLOR[status]} data-testid="status">
      {`${STATUS_SYMBOL[status]} ${t(`scorecard.status.${status}`)}`}
    </Badge>
  );
}

function fieldValue(
  t: (k: string, o?: { defaultValue: string }) => string,
  date: (iso: string) => string,
  v: string | number | boolean | null,
): string {
  if (v === null) return t('scorecard.evidence.notRecorded');
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? t('scorecard.evidence.yes') : t('scorecard.evidence.no');
  // Dates in the reader's format, slugs (patch status, restore result, criticality) in words.
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return date(v);
  return /^[a-z_]+$/.test(v) ? t(`scorecard.evidence.values.${v}`, { defaultValue: v }) : v;
}

/** The systems behind a criterion's figure: those that miss it first, then those that meet it. */
function Evidence({ org, n, id }: { org: string; n: number; id: string }) {
  const { t } = useTranslation();
  const f = useScorecardFormats();
  type Outcome = 'failing' | 'passing';
  const fetchPage = (outcome: Outcome, cursor: string, limit: number) => {
    const p = new URLSearchParams({ limit: String(limit), outcome });
    if (cursor) p.set('cursor', cursor);
    return api<Page<EvidenceItem>>(
      'GET',
      `/orgs/${encodeURIComponent(org)}/scorecard/criteria/${n}/evidence?${p}`,
    );
  };
  const list = useInfiniteQuery({
    queryKey: ['scorecard', org, 'evidence', n],
    // A page holds up to 50 systems: those that miss the criterion, then (once they are all
    // shown) those that meet it, continuing in the same page when there is room.
    queryFn: async ({ pageParam }) => {
      const page = await fetchPage(pageParam.outcome, pageParam.cursor, PAGE);
      if (pageParam.outcome === 'passing' || page.next_cursor || page.items.length >= PAGE)
        return { ...page, outcome: pageParam.outcome };
      const rest = await fetchPage('passing', '', PAGE - page.items.length);
      return {
        items: [...page.items, ...rest.items],
        next_cursor: rest.next_cursor,
        outcome: 'passing' as Outcome,
      };
    },
    initialPageParam: { outcome: 'failing' as Outcome, cursor: '' },
    getNextPageParam: (last) =>
      last.next_cursor
        ? { outcome: last.outcome, cursor: last.next_cursor }
        : last.outcome === 'failing'
          ? { outcome: 'passing' as const, cursor: '' }
          : undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack gap="xs" id={id} data-testid={`evidence-${n}`}>
      <ErrorAlert title={t('app.error')} error={list.error} />
      <Text size="sm" role="status">
        {list.isPending ? t('app.loading') : t('scorecard.evidence.shown', { count: items.length })}
      </Text>
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table striped>
            <caption>{t('scorecard.evidence.caption', { n })}</caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('scorecard.evidence.system')}</Table.Th>
                <Table.Th scope="col">{t('scorecard.evidence.outcome')}</Table.Th>
                <Table.Th scope="col">{t('scorecard.evidence.criticality')}</Table.Th>
                <Table.Th scope="col">{t('scorecard.evidence.fields')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((e) => (
                <Table.Tr key={e.key} data-testid="evidence-row">
                  <Table.Td>
                    <Anchor
                      inherit
                      renderRoot={(props) => (
                        <Link
                          {...props}
                          to="/orgs/$org/inventory/systems/$key"
                          params={{ org, key: e.key }}
                        />
                      )}
                    >
                      {e.key}
                    </Anchor>{' '}
                    {e.name}
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={e.passing ? 'green' : 'red'}>
                      {e.passing
                        ? `✓ ${t('scorecard.evidence.meets')}`
                        : `✗ ${t('scorecard.evidence.misses')}`}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {e.criticality
                      ? t(`scorecard.criticality.${e.criticality}`, { defaultValue: e.criticality })
                      : t('scorecard.criticality.none')}
                  </Table.Td>
                  <Table.Td>
                    {Object.entries(e.fields).map(([k, v]) => (
                      <Text size="sm" key={k}>
                        {`${t(`scorecard.evidence.field.${k}`, { defaultValue: k })}: ${fieldValue(t, f.date, v)}`}
                      </Text>
                    ))}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMoreButton query={list} label={t('scorecard.evidence.more')} maw={240} />
    </Stack>
  );
}

function CriterionCard(props: { org: string; c: Criterion; trend: Trend | undefined }) {
  const { t } = useTranslation();
  const f = useScorecardFormats();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const { c } = props;
  const points = props.trend?.criteria.find((x) => x.n === c.n)?.points;
  const figure =
    c.value !== null
      ? f.percent(c.value)
      : c.numerator !== null && c.denominator !== null && c.n === 1
        ? t('scorecard.count', { numerator: c.numerator, denominator: c.denominator })
        : '—';
  return (
    <Paper withBorder p="md" component="li" data-testid={`criterion-${c.n}`} data-status={c.status}>
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
          <Stack gap={4} maw={640}>
            <Title order={2} size="h4">
              {`${c.n}. ${t(`scorecard.criteria.${c.key}`)}`}
            </Title>
            <Group gap="sm">
              <StatusBadge status={c.status} />
              <Text fw={700} size="xl" data-testid="figure">
                {figure}
              </Text>
              {c.value !== null && c.numerator !== null && c.denominator !== null && (
                <Text size="sm" data-testid="fraction">
                  {t('scorecard.fraction', { numerator: c.numerator, denominator: c.denominator })}
                </Text>
              )}
              {c.threshold !== null && (
                <Text size="sm">{t('scorecard.threshold', { value: f.percent(c.threshold) })}</Text>
              )}
              {c.period && (
                <Text size="sm">{t(`scorecard.period.${c.period.unit}`, { count: c.period.length })}</Text>
              )}
            </Group>
            <Text size="sm" data-testid="detail">
              {c.detail}
            </Text>
          </Stack>
          {/* A line for the share criteria; 1, 3 and 4 have no share to draw. */}
          {props.trend && points && c.threshold !== null && (
            <Suspense fallback={<Text size="xs">{t('app.loading')}</Text>}>
              <Sparkline
                from={props.trend.from}
                to={props.trend.to}
                points={points}
                threshold={c.threshold}
                days={TREND_DAYS}
              />
            </Suspense>
          )}
        </Group>
        {HAS_EVIDENCE.has(c.n) && (
          <Group>
            <Button
              variant="default"
              size="compact-sm"
              aria-expanded={open}
              aria-controls={open ? panelId : undefined}
              onClick={() => setOpen((o) => !o)}
            >
              {open ? t('scorecard.evidence.hide') : t('scorecard.evidence.show', { n: c.n })}
            </Button>
          </Group>
        )}
        {open && <Evidence org={props.org} n={c.n} id={panelId} />}
      </Stack>
    </Paper>
  );
}

/** Management's yearly confirmation of the inventory: the latest, and the form to sign a new one. */
function Confirmations({ org, mayConfirm }: { org: string; mayConfirm: boolean }) {
  const { t } = useTranslation();
  const f = useScorecardFormats();
  const queryClient = useQueryClient();
  const [statement, setStatement] = useState('');
  const [code, setCode] = useState('');
  const [done, setDone] = useState(false);
  const path = `/orgs/${encodeURIComponent(org)}/inventory/confirmations`;
  const latest = useQuery({
    queryKey: ['scorecard', org, 'confirmations'],
    queryFn: () => api<Page<ConfirmationSummary>>('GET', `${path}?limit=1`),
  });
  const confirm = useMutation({
    mutationFn: () =>
      api<ConfirmationSummary>('POST', path, {
        code: code.trim(),
        ...(statement.trim() ? { statement: statement.trim() } : {}),
      }),
    onMutate: () => setDone(false),
    onSuccess: async () => {
      setCode('');
      setStatement('');
      setDone(true);
      await queryClient.invalidateQueries({ queryKey: ['scorecard', org] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    confirm.mutate();
  };
  const last = latest.data?.items[0];
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="confirmation-heading">
      <Stack gap="sm">
        <Title order={2} size="h3" id="confirmation-heading">
          {t('scorecard.confirm.title')}
        </Title>
        <Text size="sm">{t('scorecard.confirm.intro')}</Text>
        <ErrorAlert title={t('app.error')} error={latest.error} />
        {latest.isSuccess && !last && (
          <Text data-testid="confirmation-none">{t('scorecard.confirm.none')}</Text>
        )}
        {last && (
          <Table maw={720} data-testid="confirmation-latest">
            <caption>{t('scorecard.confirm.latest')}</caption>
            <Table.Tbody>
              <Table.Tr>
                <Table.Th scope="row">{t('scorecard.confirm.signer')}</Table.Th>
                <Table.Td>{`${last.signer.name} (${last.signer.email})`}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">{t('scorecard.confirm.signedAt')}</Table.Th>
                <Table.Td>
                  <time dateTime={last.signed_at}>{f.dateTime(last.signed_at)}</time>
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">{t('scorecard.confirm.systems')}</Table.Th>
                <Table.Td>
                  {t('scorecard.confirm.systemsValue', {
                    systems: last.systems,
                    health: last.health_data_systems,
                  })}
                </Table.Td>
              </Table.Tr>
              {last.statement && (
                <Table.Tr>
                  <Table.Th scope="row">{t('scorecard.confirm.statement')}</Table.Th>
                  <Table.Td>{last.statement}</Table.Td>
                </Table.Tr>
              )}
              <Table.Tr>
                <Table.Th scope="row">SHA-256</Table.Th>
                <Table.Td>
                  <Code className="vaern-secret" data-testid="confirmation-sha">
                    {last.snapshot_sha256}
                  </Code>
                </Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        )}
        {done && (
          <Alert color="green" variant="light" maw={720}>
            <Text size="sm" role="status" fw={600}>
              {t('scorecard.confirm.done')}
            </Text>
          </Alert>
        )}
        {mayConfirm && (
          <form onSubmit={submit} aria-label={t('scorecard.confirm.form')}>
            <Stack gap="sm" maw={560}>
              <Title order={3} size="h4">
                {t('scorecard.confirm.form')}
              </Title>
              <Textarea
                label={t('scorecard.confirm.statement')}
                description={t('scorecard.confirm.statementHint')}
                autosize
                minRows={2}
                maxLength={2000}
                value={statement}
                onChange={(e) => setStatement(e.currentTarget.value)}
              />
              <TextInput
                label={t('scorecard.confirm.code')}
                description={t('scorecard.confirm.codeHint')}
                required
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                w={200}
                value={code}
                onChange={(e) => setCode(e.currentTarget.value)}
              />
              <ErrorAlert title={t('scorecard.confirm.failed')} error={confirm.error} />
              <Group>
                <Button type="submit" loading={confirm.isPending}>
                  {t('scorecard.confirm.submit')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Stack>
    </Paper>
  );
}

/** The audit's ten criteria, measured from the organisation's live data. */
export function ScorecardPage() {
  const { t, i18n } = useTranslation();
  const { org } = useParams({ from: '/shell/orgs/$org/scorecard' });
  const { nameOf, memberships } = useOrg();
  const membership = memberships.find((m) => m.org === org);
  const allowed = canReadScorecard(membership);
  const f = useScorecardFormats();
  const queryClient = useQueryClient();
  const base = `/orgs/${encodeURIComponent(org)}/scorecard`;
  const card = useQuery({
    // The details are sentences in the reader's language: a switch asks again.
    queryKey: ['scorecard', org, 'card', i18n.language],
    queryFn: () => api<Scorecard>('GET', base),
    enabled: allowed,
  });
  const trend = useQuery({
    queryKey: ['scorecard', org, 'trend', TREND_DAYS],
    queryFn: () => api<Trend>('GET', `${base}/trend?days=${TREND_DAYS}`),
    enabled: allowed && card.isSuccess,
  });
  const [snapshotDay, setSnapshotDay] = useState<string>();
  const snapshot = useMutation({
    mutationFn: () => api<Snapshot>('POST', `${base}/snapshots`),
    onSuccess: async (s) => {
      setSnapshotDay(s.day);
      await queryClient.invalidateQueries({ queryKey: ['scorecard', org, 'trend'] });
    },
  });
  if (!allowed) {
    return (
      <Stack maw={720}>
        <PageTitle>{t('scorecard.title')}</PageTitle>
        <Text data-testid="scorecard-no-access">{t('scorecard.noAccess')}</Text>
      </Stack>
    );
  }
  const data = card.data;
  return (
    <Stack maw={1280}>
      <PageTitle>{t('scorecard.title')}</PageTitle>
      <Text>{t('scorecard.intro', { org: nameOf(org) })}</Text>
      <ErrorAlert title={t('app.error')} error={card.error ?? snapshot.error} />
      {card.isPending && <Text role="status">{t('app.loading')}</Text>}
      {data && (
        <>
          <Group gap="lg" wrap="wrap" data-testid="inventory-counts">
            <Text size="sm">{t('scorecard.counts.systems', { count: data.inventory.systems })}</Text>
            <Text size="sm">
              {t('scorecard.counts.health', { count: data.inventory.health_data_systems })}
            </Text>
            <Text size="sm">
              {t('scorecard.counts.critical', { count: data.inventory.critical_systems })}
            </Text>
            <Text size="sm">{t('scorecard.computedAt', { date: f.dateTime(data.computed_at) })}</Text>
          </Group>
          <Group gap="sm">
            <Button
              variant="default"
              size="compact-sm"
              onClick={() => void card.refetch()}
              loading={card.isFetching}
            >
              {t('scorecard.refresh')}
            </Button>
            {canSnapshot(membership) && (
              <Button size="compact-sm" onClick={() => snapshot.mutate()} loading={snapshot.isPending}>
                {t('scorecard.snapshot')}
              </Button>
            )}
            <Text size="sm" role="status">
              {snapshotDay ? t('scorecard.snapshotDone', { day: snapshotDay }) : ''}
            </Text>
          </Group>
          <Stack
            component="ol"
            gap="sm"
            p={0}
            m={0}
            aria-label={t('scorecard.criteriaLabel')}
            style={{ listStyle: 'none' }}
          >
            {data.criteria.map((c) => (
              <CriterionCard key={c.n} org={org} c={c} trend={trend.data} />
            ))}
          </Stack>
          <Confirmations org={org} mayConfirm={canConfirm(membership)} />
        </>
      )}
    </Stack>
  );
}
