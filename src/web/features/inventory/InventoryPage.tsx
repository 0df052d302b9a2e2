import { Button, Group, Stack, Tabs, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { useOrg } from '../../app/org';
import { PageTitle } from '../../components/PageTitle';
import { canReadInventory, canWriteInventory, type System } from './access';
import { DependenciesList } from './DependenciesList';
import { ExportButtons } from './ExportLinks';
import { InventoryButton } from './links';
import { ComponentsList, ProcessesList, SuppliersList } from './RegisterList';
import { SystemForm } from './SystemForm';
import { SystemsList } from './SystemsList';

export const INVENTORY_TABS = ['systems', 'processes', 'suppliers', 'components', 'dependencies'] as const;
export type InventoryTab = (typeof INVENTORY_TABS)[number];

/** An organisation's inventory: its systems, processes, suppliers, components and dependencies. */
export function InventoryPage() {
  const { t } = useTranslation();
  const { org } = useParams({ from: '/shell/orgs/$org/inventory' });
  const { tab } = useSearch({ from: '/shell/orgs/$org/inventory' });
  const navigate = useNavigate();
  const { nameOf, memberships } = useOrg();
  const membership = memberships.find((m) => m.org === org);
  const canWrite = canWriteInventory(membership);
  const queryClient = useQueryClient();
  const [adding, setAdding] = useState(false);
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      api<System>('POST', `/orgs/${encodeURIComponent(org)}/inventory/systems`, body),
    onSuccess: async (system) => {
      await queryClient.invalidateQueries({ queryKey: ['inventory', org] });
      await navigate({ to: '/orgs/$org/inventory/systems/$key', params: { org, key: system.key } });
    },
  });
  if (!canReadInventory(membership)) {
    return (
      <Stack maw={720}>
        <PageTitle>{t('inventory.title')}</PageTitle>
        <Text data-testid="inventory-no-access">{t('inventory.noAccess')}</Text>
      </Stack>
    );
  }
  const current = tab ?? 'systems';
  return (
    <Stack maw={1280}>
      <PageTitle>{t('inventory.title')}</PageTitle>
      <Text>{t('inventory.intro', { org: nameOf(org) })}</Text>
      {canWrite && !adding && (
        <Group gap="sm">
          <Button
            onClick={() => {
              create.reset();
              setAdding(true);
            }}
          >
            {t('inventory.addSystem')}
          </Button>
          <InventoryButton org={org} to="import">
            {t('inventory.import.open')}
          </InventoryButton>
        </Group>
      )}
      {adding && (
        <SystemForm
          pending={create.isPending}
          error={create.error}
          onSubmit={(body) => create.mutate(body)}
          onCancel={() => setAdding(false)}
        />
      )}
      <Tabs
        value={current}
        keepMounted={false}
        onChange={(value) =>
          void navigate({
            to: '/orgs/$org/inventory',
            params: { org },
            search:
              value === 'processes' ||
              value === 'suppliers' ||
              value === 'components' ||
              value === 'dependencies'
                ? { tab: value }
                : {},
            replace: true,
          })
        }
      >
        <Tabs.List aria-label={t('inventory.tabs.label')}>
          {INVENTORY_TABS.map((id) => (
            <Tabs.Tab key={id} value={id}>
              {t(`inventory.tabs.${id}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {/* Each list with its export: the register as CSV or XLSX (the systems' with their dependencies). */}
        <Tabs.Panel value="systems" pt="md">
          <Stack>
            <ExportButtons org={org} registers={['systems', 'dependencies']} />
            <SystemsList org={org} />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="processes" pt="md">
          <Stack>
            <ExportButtons org={org} registers={['processes']} />
            <ProcessesList org={org} />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="suppliers" pt="md">
          <Stack>
            <ExportButtons org={org} registers={['suppliers']} />
            <SuppliersList org={org} />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="components" pt="md">
          <Stack>
            <ExportButtons org={org} registers={['components']} />
            <ComponentsList org={org} />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="dependencies" pt="md">
          <Stack>
            <ExportButtons org={org} registers={['dependencies']} />
            <DependenciesList org={org} />
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
