import { Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { Page } from '../../app/api-types';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { SystemLink } from '../../components/SystemLink';
import { Section } from './AdvisoryDetails';
import { type AdvisoryMatch, canReadMatches } from './access';
import { MatchItem, MatchReview, MatchWhy } from './MatchWhy';

/** The current organisation's systems and components this advisory concerns. */
export function AffectedSystems({ advisoryId }: { advisoryId: string }) {
  const { t } = useTranslation();
  const { current, nameOf } = useOrg();
  const org = current?.org ?? '';
  const may = canReadMatches(current);
  const matches = useInfiniteQuery({
    queryKey: ['advisories', org, 'matches', 'all', advisoryId],
    queryFn: ({ pageParam }) =>
      api<Page<AdvisoryMatch>>(
        'GET',
        `/orgs/${encodeURIComponent(org)}/advisory-matches?${new URLSearchParams({
          review: 'all',
          advisory: advisoryId,
          limit: '100',
          ...(pageParam ? { cursor: pageParam } : {}),
        })}`,
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled: may,
    retry: false,
  });
  if (!current || !may) return null;
  const items = matches.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Section title={t('advisories.affected.title')} testId="affected-systems">
      <Stack gap="xs">
        <Text size="sm">{t('advisories.affected.intro', { org: nameOf(org) })}</Text>
        <ErrorAlert title={t('app.error')} error={matches.error} />
        {matches.isPending && <Text role="status">{t('app.loading')}</Text>}
        {matches.isSuccess && items.length === 0 && (
          <Text data-testid="affected-none">{t('advisories.affected.none', { org: nameOf(org) })}</Text>
        )}
        {items.length > 0 && (
          <Table.ScrollContainer minWidth={800}>
            <Table striped>
              <VisuallyHidden component="caption">{t('advisories.affected.title')}</VisuallyHidden>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('advisories.fields.system')}</Table.Th>
                  <Table.Th scope="col">{t('advisories.fields.item')}</Table.Th>
                  <Table.Th scope="col">{t('advisories.fields.advisory_product')}</Table.Th>
                  <Table.Th scope="col">{t('advisories.fields.why')}</Table.Th>
                  <Table.Th scope="col">{t('advisories.fields.product_status')}</Table.Th>
                  <Table.Th scope="col">{t('advisories.fields.review')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((m) => (
                  <Table.Tr key={m.id} data-testid="affected-row">
                    <Table.Td>
                      <SystemLink org={org} systemKey={m.system.key}>
                        {`${m.system.key} · ${m.system.name}`}
                      </SystemLink>
                    </Table.Td>
                    <Table.Td>
                      <MatchItem match={m} />
                    </Table.Td>
                    <Table.Td>{m.product.name}</Table.Td>
                    <Table.Td>
                      <MatchWhy match={m} />
                    </Table.Td>
                    <Table.Td>
                      {m.product_status ? t(`advisories.matchStatus.${m.product_status}`) : '—'}
                    </Table.Td>
                    <Table.Td>
                      <MatchReview match={m} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <LoadMoreButton query={matches} label={t('advisories.more')} maw={240} />
      </Stack>
    </Section>
  );
}
