import { Badge, Paper, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { PageTitle } from '../../components/PageTitle';
import {
  type Criterion,
  type CriticalShared,
  isSectorCoordinator,
  type SectorScorecards,
  STATUS_COLOR,
  STATUS_SYMBOL,
} from './access';
import { CriticalSharedMap } from './CriticalSharedMap';
import { useScorecardFormats } from './ScorecardPage';
import { SectorSettings } from './SectorSettings';

const CRITERIA_KEYS = [
  'inventory_confirmed',
  'criticality_assessed',
  'vulnerability_followup',
  'risk_assessments',
  'mfa',
  'segmentation',
  'patching',
  'contingency_tested',
  'restore_procedure',
  'restore_tested',
] as const;

/** One organisation's figure for one criterion: symbol, value and status in words, and colour. */
function Cell({ c }: { c: Criterion | undefined }) {
  const { t } = useTranslation();
  const f = useScorecardFormats();
  if (!c) return <Table.Td>—</Table.Td>;
  const value =
    c.value !== null
      ? f.percent(c.value)
      : c.n === 1 && c.numerator !== null && c.denominator !== null
        ? `${c.numerator}/${c.denominator}`
        : '';
  return (
    <Table.Td data-status={c.status} data-testid={`cell-${c.n}`}>
      <Badge variant="light" color={STATUS_COLOR[c.status]} size="sm" title={c.detail} miw="max-content">
        {`${STATUS_SYMBOL[c.status]} ${value}`.trim()}
        <VisuallyHidden>{` ${t(`scorecard.status.${c.status}`)}`}</VisuallyHidden>
      </Badge>
    </Table.Td>
  );
}

function Scorecards() {
  const { t } = useTranslation();
  const f = useScorecardFormats();
  const list = useInfiniteQuery({
    queryKey: ['sector-scorecards'],
    queryFn: ({ pageParam }) =>
      api<SectorScorecards>(
        'GET',
        `/sector/scorecards?limit=100${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const computedAt = list.data?.pages[0]?.computed_at;
  return (
    <Stack gap="sm">
      <Title order={2} size="h3">
        {t('scorecard.sector.tableTitle')}
      </Title>
      <Text size="sm">{t('scorecard.sector.legend')}</Text>
      <ErrorAlert title={t('app.error')} error={list.error} />
      <Text size="sm" role="status">
        {list.isPending
          ? t('app.loading')
          : t('scorecard.sector.shown', {
              count: items.length,
              date: computedAt ? f.dateTime(computedAt) : '',
            })}
      </Text>
      <Table.ScrollContainer minWidth={1100}>
        <Table striped withColumnBorders data-testid="sector-scorecards">
          <VisuallyHidden component="caption">{t('scorecard.sector.tableTitle')}</VisuallyHidden>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('scorecard.sector.organisation')}</Table.Th>
              <Table.Th scope="col">{t('scorecard.sector.systems')}</Table.Th>
              {CRITERIA_KEYS.map((key, i) => (
                <Table.Th scope="col" key={key}>
                  <abbr
                    title={t(`scorecard.criteria.${key}`)}
                  >{`${i + 1}. ${t(`scorecard.short.${key}`)}`}</abbr>
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((o) => (
              <Table.Tr key={o.org.id} data-testid="sector-org">
                <Table.Th scope="row">
                  {o.org.name}
                  <Text size="xs" c="dimmed">
                    {t(`kinds.${o.org.kind}`, { defaultValue: o.org.kind })}
                  </Text>
                </Table.Th>
                <Table.Td>{o.inventory.systems}</Table.Td>
                {CRITERIA_KEYS.map((key, i) => (
                  <Cell key={key} c={o.criteria.find((c) => c.n === i + 1)} />
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <LoadMoreButton query={list} label={t('scorecard.sector.more')} maw={240} />
    </Stack>
  );
}

function CriticalAndShared() {
  const { t } = useTranslation();
  const list = useInfiniteQuery({
    queryKey: ['sector-critical-shared'],
    queryFn: ({ pageParam }) =>
      api<CriticalShared>(
        'GET',
        `/sector/critical-shared?limit=100${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const buckets = list.data?.pages[0]?.buckets ?? [];
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const criticality = (c: string | null) => t(`scorecard.criticality.${c ?? 'none'}`);
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={2} size="h3">
          {t('scorecard.sector.mapTitle')}
        </Title>
        <Text size="sm">{t('scorecard.sector.mapIntro')}</Text>
        <ErrorAlert title={t('app.error')} error={list.error} />
        {list.isPending && <Text role="status">{t('app.loading')}</Text>}
        {list.isSuccess && buckets.length === 0 && <Text>{t('scorecard.sector.mapEmpty')}</Text>}
        {buckets.length > 0 && <CriticalSharedMap buckets={buckets} />}
        {buckets.length > 0 && (
          <details>
            <summary>{t('scorecard.sector.mapTable')}</summary>
            <Table maw={560} mt="xs" data-testid="critical-shared-buckets">
              <caption>{t('scorecard.sector.mapTable')}</caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('scorecard.sector.xAxis')}</Table.Th>
                  <Table.Th scope="col">{t('scorecard.sector.yAxis')}</Table.Th>
                  <Table.Th scope="col">{t('scorecard.sector.systems')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {buckets.map((b) => (
                  <Table.Tr key={`${b.criticality}-${b.organisations}`}>
                    <Table.Td>{criticality(b.criticality)}</Table.Td>
                    <Table.Td>{b.organisations}</Table.Td>
                    <Table.Td>{b.systems}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </details>
        )}
        <Title order={3} size="h4">
          {t('scorecard.sector.sharedTitle')}
        </Title>
        {list.isSuccess && items.length === 0 && <Text size="sm">{t('scorecard.sector.sharedEmpty')}</Text>}
        {items.length > 0 && (
          <Table.ScrollContainer minWidth={720}>
            <Table striped data-testid="critical-shared-items">
              <VisuallyHidden component="caption">{t('scorecard.sector.sharedTitle')}</VisuallyHidden>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('scorecard.sector.system')}</Table.Th>
                  <Table.Th scope="col">{t('scorecard.sector.owner')}</Table.Th>
                  <Table.Th scope="col">{t('scorecard.sector.product')}</Table.Th>
                  <Table.Th scope="col">{t('scorecard.sector.highest')}</Table.Th>
                  <Table.Th scope="col">{t('scorecard.sector.ownerCriticality')}</Table.Th>
                  <Table.Th scope="col">{t('scorecard.sector.yAxis')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((s) => (
                  <Table.Tr key={`${s.owner.id}/${s.key}`}>
                    <Table.Td>{`${s.key} · ${s.name}`}</Table.Td>
                    <Table.Td>{s.owner.name}</Table.Td>
                    <Table.Td>{[s.vendor, s.product].filter(Boolean).join(' ') || '—'}</Table.Td>
                    <Table.Td>{criticality(s.criticality)}</Table.Td>
                    <Table.Td>{criticality(s.owner_criticality)}</Table.Td>
                    <Table.Td>{s.organisations}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <LoadMoreButton query={list} label={t('scorecard.sector.more')} maw={240} />
      </Stack>
    </Paper>
  );
}

/** Every organisation's scorecard side by side, and the critical-and-shared map (sector coordinators). */
export function SectorScorecardsPage() {
  const { t } = useTranslation();
  const { memberships } = useOrg();
  if (!isSectorCoordinator(memberships)) {
    return (
      <Stack maw={720}>
        <PageTitle>{t('scorecard.sector.title')}</PageTitle>
        <Text data-testid="sector-scorecards-no-access">{t('scorecard.sector.noAccess')}</Text>
      </Stack>
    );
  }
  return (
    <Stack maw={1400}>
      <PageTitle>{t('scorecard.sector.title')}</PageTitle>
      <Text>{t('scorecard.sector.intro')}</Text>
      <Scorecards />
      <SectorSettings />
      <CriticalAndShared />
    </Stack>
  );
}
