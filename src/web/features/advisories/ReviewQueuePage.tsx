import { Button, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { PageTitle } from '../../components/PageTitle';
import { SystemLink } from '../../components/SystemLink';
import { useCursorList } from '../../components/useCursorList';
import { AdvisoriesNav } from './AdvisoriesNav';
import { type AdvisoryMatch, canReadMatches, canReviewMatches, type Decision } from './access';
import { TlpBadge } from './format';
import { AdvisoryLink } from './links';
import { MatchItem, MatchWhy } from './MatchWhy';
import { ReviewDialog } from './ReviewDialog';

/**
 * The current organisation's review queue: matches that are not certain and nobody has decided.
 * A security officer (or admin) confirms or rejects each; a decided match leaves the queue.
 */
export function ReviewQueuePage() {
  const { t } = useTranslation();
  const { current, nameOf } = useOrg();
  const org = current?.org ?? '';
  const may = canReadMatches(current);
  const reviewer = canReviewMatches(current);
  const [open, setOpen] = useState<{ match: AdvisoryMatch; decision: Decision }>();
  const [done, setDone] = useState('');
  const queue = useCursorList<AdvisoryMatch>({
    queryKey: ['advisories', org, 'matches', 'pending'],
    path: `/orgs/${encodeURIComponent(org)}/advisory-matches`,
    params: { review: 'pending' },
    limit: 50,
    enabled: may,
  });
  if (!current || !may) {
    return (
      <Stack maw={720}>
        <AdvisoriesNav />
        <PageTitle>{t('advisories.review.title')}</PageTitle>
        <Text data-testid="review-no-access">{t('advisories.noOrgAccess')}</Text>
      </Stack>
    );
  }
  const items = queue.items;
  return (
    <Stack maw={1280}>
      <AdvisoriesNav />
      <PageTitle>{t('advisories.review.title')}</PageTitle>
      <Text>{t('advisories.review.intro', { org: nameOf(org) })}</Text>
      {!reviewer && <Text data-testid="review-read-only">{t('advisories.review.readOnly')}</Text>}
      <ErrorAlert title={t('app.error')} error={queue.error} />
      <Text role="status" size="sm" data-testid="review-status">
        {queue.isPending
          ? t('app.loading')
          : [
              done,
              t(queue.hasNextPage ? 'advisories.review.shownMore' : 'advisories.review.shown', {
                count: items.length,
              }),
            ]
              .filter(Boolean)
              .join(' ')}
      </Text>
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={1000}>
          <Table striped data-testid="review-queue" aria-busy={queue.isFetching}>
            <VisuallyHidden component="caption">{t('advisories.review.caption')}</VisuallyHidden>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('advisories.fields.advisory')}</Table.Th>
                <Table.Th scope="col">{t('advisories.fields.system')}</Table.Th>
                <Table.Th scope="col">{t('advisories.fields.item')}</Table.Th>
                <Table.Th scope="col">{t('advisories.fields.advisory_product')}</Table.Th>
                <Table.Th scope="col">{t('advisories.fields.why')}</Table.Th>
                {reviewer && <Table.Th scope="col">{t('advisories.fields.decision')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((m) => (
                <Table.Tr key={m.id} data-testid="review-row">
                  <Table.Td>
                    <AdvisoryLink id={m.advisory.id}>{m.advisory.title}</AdvisoryLink>
                    <Group gap={6} mt={2}>
                      <Text size="xs" ff="monospace">
                        {m.advisory.tracking_id}
                      </Text>
                      <TlpBadge tlp={m.advisory.tlp} />
                    </Group>
                  </Table.Td>
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
                  {reviewer && (
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Button
                          size="xs"
                          variant="light"
                          aria-label={t('advisories.review.confirmed.label', { system: m.system.key })}
                          onClick={() => setOpen({ match: m, decision: 'confirmed' })}
                        >
                          {t('advisories.review.confirmed.button')}
                        </Button>
                        <Button
                          size="xs"
                          variant="default"
                          aria-label={t('advisories.review.rejected.label', { system: m.system.key })}
                          onClick={() => setOpen({ match: m, decision: 'rejected' })}
                        >
                          {t('advisories.review.rejected.button')}
                        </Button>
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {queue.isSuccess && items.length === 0 && (
        <Text data-testid="review-empty">{t('advisories.review.empty')}</Text>
      )}
      <LoadMoreButton query={queue} label={t('advisories.more')} maw={240} />
      <ReviewDialog
        org={org}
        match={open?.match}
        decision={open?.decision}
        onClose={() => setOpen(undefined)}
        onDone={(m) => {
          setOpen(undefined);
          setDone(t(`advisories.review.done.${m.review?.decision ?? 'confirmed'}`, { system: m.system.key }));
        }}
      />
    </Stack>
  );
}
