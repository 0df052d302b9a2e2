import { Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { AdvisoriesNav } from './AdvisoriesNav';
import { AdvisoryFacts, ProductsTable, Remediations, VulnerabilitiesTable } from './AdvisoryDetails';
import { AffectedSystems } from './AffectedSystems';
import { type Advisory, isSectorCoordinator, type ManualAdvisory, manualAdvisoryKey } from './access';
import { KevBadge, TlpBadge } from './format';
import { OrganisationsConcerned } from './OrganisationsConcerned';

/**
 * One advisory: what it says (metadata, vulnerabilities, products, remediations), which of the
 * current organisation's systems it concerns, and for the sector coordinator which organisations.
 */
export function AdvisoryPage() {
  const { t } = useTranslation();
  const { id } = useParams({ from: '/shell/advisories/$id' });
  const detail = useQuery({
    queryKey: ['advisories', 'advisory', id],
    queryFn: () => api<Advisory>('GET', `/advisories/${encodeURIComponent(id)}`),
    retry: false,
  });
  const advisory = detail.data;
  const { memberships } = useOrg();
  // Written by hand in the coordinator's own unit: the server answers the form only then.
  const editable = useQuery({
    queryKey: manualAdvisoryKey(id),
    queryFn: () => api<ManualAdvisory>('GET', `/sector/advisories/${encodeURIComponent(id)}/manual`),
    enabled: advisory?.source === 'manual' && isSectorCoordinator(memberships),
    retry: false,
  });
  return (
    <Stack maw={1200}>
      <AdvisoriesNav />
      <Anchor size="sm" renderRoot={(props) => <Link {...props} to="/advisories" />}>
        {t('advisories.backToList')}
      </Anchor>
      <PageTitle>{advisory ? advisory.title : t('advisories.advisory.title')}</PageTitle>
      <ErrorAlert title={t('app.error')} error={detail.error} />
      {detail.isPending && <Text role="status">{t('app.loading')}</Text>}
      {advisory && (
        <>
          <Group gap="sm">
            <TlpBadge tlp={advisory.tlp} />
            {advisory.vulnerabilities.some((v) => v.in_kev) && <KevBadge />}
            <Text size="sm" ff="monospace">
              {advisory.tracking_id}
            </Text>
            {editable.isSuccess && (
              <Button
                size="xs"
                variant="default"
                renderRoot={(props) => (
                  <Link {...props} to="/advisories/$id/edit" params={{ id: advisory.id }} />
                )}
              >
                {t('advisories.manual.edit')}
              </Button>
            )}
          </Group>
          <AdvisoryFacts advisory={advisory} />
          <AffectedSystems advisoryId={advisory.id} />
          <OrganisationsConcerned advisoryId={advisory.id} />
          <VulnerabilitiesTable advisory={advisory} />
          <ProductsTable advisory={advisory} />
          <Remediations advisory={advisory} />
        </>
      )}
    </Stack>
  );
}
