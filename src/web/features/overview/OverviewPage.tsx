import { Badge, Group, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useOrg } from '../../app/org';
import { useFullSession } from '../../app/session';
import { PageTitle } from '../../components/PageTitle';
import { canReadFindings } from '../findings/access';
import { ToDo } from './ToDo';

/** The first page after sign-in: who you are and where you work now. */
export function OverviewPage() {
  const { t } = useTranslation();
  const session = useFullSession();
  const { current, nameOf } = useOrg();
  return (
    <Stack maw={720}>
      <PageTitle>{t('overview.title')}</PageTitle>
      <Text>{t('overview.welcome', { name: session.user.name })}</Text>
      {session.user.platform_admin && <Text>{t('overview.platformAdmin')}</Text>}
      {current ? (
        <Table variant="vertical" withTableBorder>
          <Table.Tbody>
            <Table.Tr>
              <Table.Th w={200}>{t('overview.organisation')}</Table.Th>
              <Table.Td data-testid="current-org">{nameOf(current.org)}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('overview.kind')}</Table.Th>
              <Table.Td>{t(`kinds.${current.kind}`)}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('overview.roles')}</Table.Th>
              <Table.Td>
                <Group gap="xs">
                  {current.roles.map((role) => (
                    <Badge key={role} variant="light">
                      {t(`roles.${role}`)}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      ) : (
        <Text>{t('overview.noMembership')}</Text>
      )}
      {canReadFindings(current) && current && <ToDo membership={current} />}
    </Stack>
  );
}
