import { Stack, Text } from '@mantine/core';
import { useParams, useSearch } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useOrg } from '../../app/org';
import { PageTitle } from '../../components/PageTitle';
import { canReadFindings } from './access';
import { FindingsList } from './FindingsList';
import { FindingsNav } from './FindingsNav';

/** An organisation's findings, filtered by the link that opened the list. */
export function FindingsPage() {
  const { t } = useTranslation();
  const { org } = useParams({ from: '/shell/orgs/$org/findings/list' });
  const search = useSearch({ from: '/shell/orgs/$org/findings/list' });
  const { nameOf, memberships } = useOrg();
  const membership = memberships.find((m) => m.org === org);
  if (!canReadFindings(membership)) {
    return (
      <Stack maw={720}>
        <PageTitle>{t('findings.title')}</PageTitle>
        <Text data-testid="findings-no-access">{t('findings.noAccess')}</Text>
      </Stack>
    );
  }
  return (
    <Stack maw={1280}>
      <FindingsNav org={org} />
      <PageTitle>{t('findings.title')}</PageTitle>
      <Text>{t('findings.intro', { org: nameOf(org) })}</Text>
      {/* A new key remounts the list with the filters of a new link. */}
      <FindingsList key={JSON.stringify(search)} org={org} initial={search} />
    </Stack>
  );
}
