import { Group, Stack, Text } from '@mantine/core';
import { useParams, useSearch } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useOrg } from '../../app/org';
import { PageTitle } from '../../components/PageTitle';
import { canImportScans, canReadFindings } from './access';
import { FindingsList } from './FindingsList';
import { FindingsButton } from './links';

/** An organisation's vulnerabilities: its findings, the scan upload and the unmapped hosts. */
export function FindingsPage() {
  const { t } = useTranslation();
  const { org } = useParams({ from: '/shell/orgs/$org/findings' });
  const search = useSearch({ from: '/shell/orgs/$org/findings' });
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
      <PageTitle>{t('findings.title')}</PageTitle>
      <Text>{t('findings.intro', { org: nameOf(org) })}</Text>
      <Group gap="sm">
        {canImportScans(membership) && (
          <FindingsButton org={org} to="import" variant="filled">
            {t('findings.import.open')}
          </FindingsButton>
        )}
        <FindingsButton org={org} to="unmapped">
          {t('findings.hosts.open')}
        </FindingsButton>
      </Group>
      {/* A new key remounts the list with the filters of a new link (?host=, ?system=). */}
      <FindingsList key={`${search.host ?? ''}|${search.system ?? ''}`} org={org} initial={search} />
    </Stack>
  );
}
