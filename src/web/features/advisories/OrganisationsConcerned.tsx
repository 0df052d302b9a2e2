import { Table, Text, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../app/api';
import type { Page } from '../../app/api-types';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Section } from './AdvisoryDetails';
import { type AffectedOrganisation, isSectorCoordinator } from './access';

/**
 * For the sector coordinator: the organisations the advisory concerns, with counts. Shown to no one
 * else; a refusal (403: not a coordinator after all) hides the section rather than showing an error.
 */
export function OrganisationsConcerned({ advisoryId }: { advisoryId: string }) {
  const { t } = useTranslation();
  const { memberships } = useOrg();
  const coordinator = isSectorCoordinator(memberships);
  const affected = useQuery({
    queryKey: ['advisories', 'sector', 'affected', advisoryId],
    queryFn: () =>
      api<Page<AffectedOrganisation>>('GET', `/sector/advisories/${encodeURIComponent(advisoryId)}/affected`),
    enabled: coordinator,
    retry: false,
  });
  const refused = affected.error instanceof ApiError && affected.error.status === 403;
  if (!coordinator || refused) return null;
  const items = affected.data?.items ?? [];
  const kinds = (kind: string) => t(`kinds.${kind}`, { defaultValue: kind });
  return (
    <Section title={t('advisories.sector.title')} testId="organisations-concerned">
      <Text size="sm" mb="xs">
        {t('advisories.sector.intro')}
      </Text>
      <ErrorAlert title={t('app.error')} error={affected.error} />
      {affected.isPending && <Text role="status">{t('app.loading')}</Text>}
      {affected.isSuccess && items.length === 0 && <Text>{t('advisories.sector.none')}</Text>}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={700}>
          <Table striped>
            <VisuallyHidden component="caption">{t('advisories.sector.title')}</VisuallyHidden>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('advisories.sector.organisation')}</Table.Th>
                <Table.Th scope="col">{t('advisories.sector.systems')}</Table.Th>
                <Table.Th scope="col">{t('advisories.sector.components')}</Table.Th>
                <Table.Th scope="col">{t('advisories.sector.certain')}</Table.Th>
                <Table.Th scope="col">{t('advisories.sector.pending')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((o) => (
                <Table.Tr key={o.org.id} data-testid="concerned-row">
                  <Table.Th scope="row" fw={400}>
                    <Text size="sm">{o.org.name}</Text>
                    <Text size="xs">{kinds(o.org.kind)}</Text>
                  </Table.Th>
                  <Table.Td>{o.systems}</Table.Td>
                  <Table.Td>{o.components}</Table.Td>
                  <Table.Td>{o.certain}</Table.Td>
                  <Table.Td>{o.pending_review}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Section>
  );
}
