import { Anchor, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { Page } from '../../app/api-types';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { PageTitle } from '../../components/PageTitle';
import { canReadFindings, type UnmappedHost } from './access';
import { FindingsNav } from './FindingsNav';
import { useFindingFormats } from './format';
import { InventoryLink } from './links';

/**
 * The hosts whose findings map to no system: each one is a gap in the inventory. Adding its name
 * or address to a system's identifiers there maps its findings at the next scan.
 */
export function UnmappedHostsPage() {
  const { t } = useTranslation();
  const { org } = useParams({ from: '/shell/orgs/$org/findings/unmapped-hosts' });
  const { memberships } = useOrg();
  const f = useFindingFormats();
  const allowed = canReadFindings(memberships.find((m) => m.org === org));
  const list = useInfiniteQuery({
    queryKey: ['findings', org, 'unmapped-hosts'],
    queryFn: ({ pageParam }) =>
      api<Page<UnmappedHost>>(
        'GET',
        `/orgs/${encodeURIComponent(org)}/findings/unmapped-hosts?limit=100${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled: allowed,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack maw={1100}>
      <FindingsNav org={org} />
      <PageTitle>{t('findings.hosts.title')}</PageTitle>
      {!allowed ? (
        <Text data-testid="hosts-no-access">{t('findings.noAccess')}</Text>
      ) : (
        <>
          <Text>
            {t('findings.hosts.intro')}{' '}
            <InventoryLink org={org}>{t('findings.hosts.toInventory')}</InventoryLink>
          </Text>
          <ErrorAlert title={t('app.error')} error={list.error} />
          <Text role="status" size="sm" data-testid="hosts-status">
            {list.isPending
              ? t('app.loading')
              : t(list.hasNextPage ? 'findings.hosts.shownMore' : 'findings.hosts.shown', {
                  count: items.length,
                })}
          </Text>
          {items.length > 0 && (
            <Table.ScrollContainer minWidth={800}>
              <Table striped data-testid="unmapped-hosts">
                <VisuallyHidden component="caption">{t('findings.hosts.caption')}</VisuallyHidden>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('findings.hosts.host')}</Table.Th>
                    <Table.Th scope="col">{t('findings.fields.host_ip')}</Table.Th>
                    <Table.Th scope="col">{t('findings.fields.host_fqdn')}</Table.Th>
                    <Table.Th scope="col">{t('findings.hosts.openFindings')}</Table.Th>
                    <Table.Th scope="col">{t('findings.fields.last_seen_at')}</Table.Th>
                    <Table.Th scope="col">{t('findings.hosts.add')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((h) => (
                    <Table.Tr key={h.host} data-testid="unmapped-host">
                      <Table.Th scope="row">
                        <Text size="sm" ff="monospace" fw={600}>
                          {h.host}
                        </Text>
                      </Table.Th>
                      <Table.Td>{f.text(h.host_ip)}</Table.Td>
                      <Table.Td>{f.text(h.host_fqdn)}</Table.Td>
                      <Table.Td>
                        <Anchor
                          inherit
                          aria-label={t('findings.hosts.findingsOf', { count: h.open, host: h.host })}
                          renderRoot={(props) => (
                            <Link
                              {...props}
                              to="/orgs/$org/findings/list"
                              params={{ org }}
                              search={{ host: h.host }}
                            />
                          )}
                        >
                          {h.open}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{f.date(h.last_seen_at)}</Table.Td>
                      <Table.Td>
                        <Text size="sm">
                          {t('findings.hosts.addHint', {
                            identifier:
                              h.host_ip && h.host_ip !== h.host ? `${h.host} / ${h.host_ip}` : h.host,
                          })}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          {list.isSuccess && items.length === 0 && <Text>{t('findings.hosts.none')}</Text>}
          <LoadMoreButton query={list} label={t('findings.more')} maw={240} />
        </>
      )}
    </Stack>
  );
}
