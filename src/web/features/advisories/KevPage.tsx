import { Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { PageTitle } from '../../components/PageTitle';
import { SystemLink } from '../../components/SystemLink';
import { useCursorList } from '../../components/useCursorList';
import { AdvisoriesNav } from './AdvisoriesNav';
import { canReadMatches, type KevMatch } from './access';
import { ConfidenceBadge, useAdvisoryFormats } from './format';

/**
 * Known exploited vulnerabilities (CISA KEV) in the current organisation's inventory: certain
 * first (a finding carries the CVE), then possible (a system or component runs the product).
 */
export function KevPage() {
  const { t } = useTranslation();
  const f = useAdvisoryFormats();
  const { current, nameOf } = useOrg();
  const org = current?.org ?? '';
  const may = canReadMatches(current);
  const list = useCursorList<KevMatch>({
    queryKey: ['advisories', org, 'kev'],
    path: `/orgs/${encodeURIComponent(org)}/kev-matches`,
    limit: 100,
    enabled: may,
  });
  if (!current || !may) {
    return (
      <Stack maw={720}>
        <AdvisoriesNav />
        <PageTitle>{t('advisories.kevPage.title')}</PageTitle>
        <Text data-testid="kev-no-access">{t('advisories.noOrgAccess')}</Text>
      </Stack>
    );
  }
  const items = list.items;
  return (
    <Stack maw={1280}>
      <AdvisoriesNav />
      <PageTitle>{t('advisories.kevPage.title')}</PageTitle>
      <Text>{t('advisories.kevPage.intro', { org: nameOf(org) })}</Text>
      <ErrorAlert title={t('app.error')} error={list.error} />
      <Text role="status" size="sm" data-testid="kev-status">
        {list.isPending
          ? t('app.loading')
          : t(list.hasNextPage ? 'advisories.kevPage.shownMore' : 'advisories.kevPage.shown', {
              count: items.length,
            })}
      </Text>
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={1000}>
          <Table striped data-testid="kev-matches" aria-busy={list.isFetching}>
            <VisuallyHidden component="caption">{t('advisories.kevPage.caption')}</VisuallyHidden>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('advisories.fields.cve')}</Table.Th>
                <Table.Th scope="col">{t('advisories.fields.system')}</Table.Th>
                <Table.Th scope="col">{t('advisories.fields.why')}</Table.Th>
                <Table.Th scope="col">{t('advisories.kevPage.date_added')}</Table.Th>
                <Table.Th scope="col">{t('advisories.kevPage.due_date')}</Table.Th>
                <Table.Th scope="col">{t('advisories.kevPage.ransomware')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((m) => (
                <Table.Tr key={`${m.cve}:${m.item.type}:${m.item.id}:${m.basis}`} data-testid="kev-row">
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {m.cve}
                    </Text>
                    <Text size="xs">{m.vulnerability_name}</Text>
                  </Table.Td>
                  <Table.Td>
                    <SystemLink org={org} systemKey={m.system.key}>
                      {`${m.system.key} · ${m.system.name}`}
                    </SystemLink>
                    {m.item.type === 'component' && (
                      <Text size="xs">{t('advisories.item.component', { name: m.item.key })}</Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={2}>
                      <ConfidenceBadge confidence={m.confidence} />
                      <Text size="xs">{t(`advisories.kevPage.basis.${m.basis}`)}</Text>
                    </Stack>
                  </Table.Td>
                  <Table.Td>{f.date(m.date_added)}</Table.Td>
                  <Table.Td>{f.date(m.due_date)}</Table.Td>
                  <Table.Td>
                    {t(
                      m.known_ransomware_campaign_use?.toLowerCase() === 'known'
                        ? 'advisories.kevPage.ransomwareKnown'
                        : 'advisories.kevPage.ransomwareUnknown',
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {list.isSuccess && items.length === 0 && (
        <Text data-testid="kev-empty">{t('advisories.kevPage.empty')}</Text>
      )}
      <LoadMoreButton query={list} label={t('advisories.more')} maw={240} />
    </Stack>
  );
}
