import { Alert, Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from '@tanstack/react-router';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { useOrg } from '../../app/org';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { canWriteInventory, type System, type SystemDetail } from './access';
import { DependenciesList } from './DependenciesList';
import { DependencyGraph } from './DependencyGraph';
import { BASELINE_ITEMS } from './fields';
import { CRITICALITY_COLOR, useFormats } from './format';
import { InventoryLink } from './links';
import { SystemForm } from './SystemForm';

/** A titled group of label/value rows (a table with row headers, read well by screen readers). */
function FieldGroup({
  title,
  rows,
  testId,
}: {
  title: string;
  rows: Array<[string, ReactNode]>;
  testId: string;
}) {
  return (
    <Paper withBorder p="md" data-testid={testId}>
      <Title order={2} size="h4" mb="xs">
        {title}
      </Title>
      <Table>
        <Table.Tbody>
          {rows.map(([label, value]) => (
            <Table.Tr key={label}>
              <Table.Th scope="row" w="40%">
                {label}
              </Table.Th>
              <Table.Td>{value}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

function SystemFields({ system }: { system: SystemDetail }) {
  const { t } = useTranslation();
  const f = useFormats();
  const label = (name: string) => t(`inventory.fields.${name}`);
  const baselineValue = (value: unknown, id: string): ReactNode => {
    if (id === 'patch') return value ? t(`inventory.patchStatus.${value}`) : t('inventory.notRecorded');
    if (id === 'restore_test')
      return value ? t(`inventory.restoreResult.${value}`) : t('inventory.notRecorded');
    return f.yesNo(value as boolean | null);
  };
  return (
    <Stack gap="md">
      <FieldGroup
        testId="group-ownership"
        title={t('inventory.groups.ownership')}
        rows={[
          [label('owner'), system.owner ? `${system.owner.name} (${system.owner.email})` : '—'],
          [label('health_data'), f.yesNo(system.health_data)],
          [label('health_data_categories'), f.list(system.health_data_categories)],
          [
            label('criticality'),
            system.criticality ? (
              <Badge key="c" variant="light" color={CRITICALITY_COLOR[system.criticality]}>
                {t(`inventory.criticality.${system.criticality}`)}
              </Badge>
            ) : (
              t('inventory.criticality.none')
            ),
          ],
          [label('assessed_by'), f.text(system.assessed_by)],
          [label('assessed_on'), f.date(system.assessed_on)],
          [label('legacy'), f.yesNo(system.legacy)],
          [
            label('shared'),
            system.shared ? t('inventory.sharedLinkedBy', { count: system.linked_by }) : t('inventory.no'),
          ],
          [
            label('shared_system'),
            system.shared_system
              ? `${system.shared_system.owner.name}: ${system.shared_system.key} · ${system.shared_system.name}`
              : '—',
          ],
        ]}
      />
      <FieldGroup
        testId="group-recovery"
        title={t('inventory.groups.recovery')}
        rows={[
          [label('mtd_hours'), f.hours(system.mtd_hours)],
          [label('rto_hours'), f.hours(system.rto_hours)],
          [label('rpo_hours'), f.hours(system.rpo_hours)],
        ]}
      />
      <FieldGroup
        testId="group-device"
        title={t('inventory.groups.device')}
        rows={[
          [label('medical_device'), f.yesNo(system.medical_device)],
          [label('vendor'), f.text(system.vendor)],
          [label('product'), f.text(system.product)],
          [label('model_number'), f.text(system.model_number)],
          [label('version'), f.text(system.version)],
          [label('cpe'), f.text(system.cpe)],
          [label('purl'), f.text(system.purl)],
          [label('hosting'), f.text(system.hosting)],
        ]}
      />
      <FieldGroup
        testId="group-identifiers"
        title={t('inventory.groups.identifiers')}
        rows={[
          [label('hostnames'), f.list(system.hostnames)],
          [label('ip_addresses'), f.list(system.ip_addresses)],
          [label('fqdns'), f.list(system.fqdns)],
        ]}
      />
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="xs">
          {t('inventory.groups.baseline')}
        </Title>
        <Table.ScrollContainer minWidth={640}>
          <Table data-testid="baseline">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('inventory.baseline.item')}</Table.Th>
                <Table.Th scope="col">{t('inventory.baseline.value')}</Table.Th>
                <Table.Th scope="col">{t('inventory.baseline.date')}</Table.Th>
                <Table.Th scope="col">{t('inventory.baseline.note')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {BASELINE_ITEMS.map((item) => {
                const extra = item.extra ? (system[item.extra] as string | null) : null;
                return (
                  <Table.Tr key={item.id} data-testid={`baseline-${item.id}`}>
                    <Table.Th scope="row">{t(`inventory.baseline.items.${item.id}`)}</Table.Th>
                    <Table.Td>{baselineValue(system[item.value], item.id)}</Table.Td>
                    <Table.Td>{f.date(system[item.on] as string | null)}</Table.Td>
                    <Table.Td>
                      {f.text(system[item.note] as string | null)}
                      {extra && (
                        <Text size="xs">
                          {t('inventory.fields.restore_procedure_link')}: {extra}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
    </Stack>
  );
}

/**
 * The system's dependency graph, and below it the same dependencies as a table (for screen readers
 * and keyboard use), with add and remove for those who keep the inventory; its components are in
 * their own table.
 */
function Dependencies({ org, system }: { org: string; system: SystemDetail }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="xs">
        {t('inventory.graph.heading')}
      </Title>
      <Text size="sm" mb="sm">
        {t('inventory.graph.legend')}
      </Text>
      <DependencyGraph system={system} />
      {(system.dependencies_truncated || system.components_truncated) && (
        <Text size="sm" data-testid="graph-truncated">
          {t('inventory.graph.truncated', {
            dependencies: system.dependencies.length,
            components: system.components.length,
          })}
        </Text>
      )}
      {system.dependencies.length === 0 && system.components.length === 0 && (
        <Text size="sm">{t('inventory.graph.none')}</Text>
      )}
      <Stack mt="md">
        <DependenciesList org={org} system={system.key} />
      </Stack>
    </Paper>
  );
}

function ComponentsTable({ system }: { system: SystemDetail }) {
  const { t } = useTranslation();
  const dash = (v: string | null) => v || '—';
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="xs">
        {t('inventory.components', { count: system.components.length })}
      </Title>
      {system.components.length === 0 ? (
        <Text size="sm">{t('inventory.noComponents')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table striped data-testid="components">
            <Table.Thead>
              <Table.Tr>
                {['key', 'vendor', 'product', 'version', 'model_number', 'cpe', 'purl'].map((c) => (
                  <Table.Th scope="col" key={c}>
                    {t(`inventory.fields.${c}`)}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {system.components.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>{c.key}</Table.Td>
                  <Table.Td>{dash(c.vendor)}</Table.Td>
                  <Table.Td>{dash(c.product)}</Table.Td>
                  <Table.Td>{dash(c.version)}</Table.Td>
                  <Table.Td>{dash(c.model_number)}</Table.Td>
                  <Table.Td>{dash(c.cpe)}</Table.Td>
                  <Table.Td>{dash(c.purl)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}

/** One system: its fields by group, components and dependency graph; edit and delete for writers. */
export function SystemPage() {
  const { t } = useTranslation();
  const { org, key } = useParams({ from: '/shell/orgs/$org/inventory/systems/$key' });
  const { memberships } = useOrg();
  const canWrite = canWriteInventory(memberships.find((m) => m.org === org));
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [saved, setSaved] = useState(false);
  const path = `/orgs/${encodeURIComponent(org)}/inventory/systems/${encodeURIComponent(key)}`;
  const detail = useQuery({
    queryKey: ['inventory', org, 'system', key],
    queryFn: () => api<SystemDetail>('GET', path),
    retry: false,
  });
  const invalidateAround = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['inventory', org] }),
      queryClient.invalidateQueries({ queryKey: ['scorecard', org] }),
    ]);
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<System>('PATCH', path, body),
    onMutate: () => setSaved(false),
    onSuccess: async () => {
      setEditing(false);
      setSaved(true);
      await invalidateAround();
    },
  });
  const remove = useMutation({
    mutationFn: () => api<void>('DELETE', path),
    onSuccess: async () => {
      setDeleting(false);
      queryClient.removeQueries({ queryKey: ['inventory', org, 'system', key] });
      await invalidateAround();
      await navigate({ to: '/orgs/$org/inventory', params: { org } });
    },
  });
  const system = detail.data;
  return (
    <Stack maw={1280}>
      <InventoryLink org={org}>{t('inventory.backToList')}</InventoryLink>
      <PageTitle>{t('inventory.system.title', { key })}</PageTitle>
      <ErrorAlert title={t('app.error')} error={detail.error} />
      {detail.isPending && <Text role="status">{t('app.loading')}</Text>}
      {system && (
        <>
          <Group gap="sm" justify="space-between" wrap="wrap">
            <Text size="lg" fw={600} data-testid="system-name">
              {system.name}
            </Text>
            {canWrite && !editing && (
              <Group gap="sm">
                <Button
                  onClick={() => {
                    save.reset();
                    setSaved(false);
                    setEditing(true);
                  }}
                >
                  {t('inventory.edit')}
                </Button>
                <Button
                  variant="default"
                  color="red"
                  onClick={() => {
                    remove.reset();
                    setDeleting(true);
                  }}
                >
                  {t('inventory.delete')}
                </Button>
              </Group>
            )}
          </Group>
          {saved && (
            <Alert
              color="green"
              title={t('inventory.savedTitle')}
              withCloseButton
              closeButtonLabel={t('common.close')}
              onClose={() => setSaved(false)}
            >
              <Text size="sm" role="status">
                {t('inventory.saved', { key: system.key })}
              </Text>
            </Alert>
          )}
          {editing && (
            <SystemForm
              system={system}
              pending={save.isPending}
              error={save.error}
              onSubmit={(body) => save.mutate(body)}
              onCancel={() => setEditing(false)}
            />
          )}
          <SystemFields system={system} />
          <ComponentsTable system={system} />
          <Dependencies org={org} system={system} />
          <ConfirmDialog
            opened={deleting}
            title={t('inventory.deleteTitle', { key: system.key })}
            confirmLabel={t('inventory.delete')}
            pending={remove.isPending}
            error={remove.error}
            onConfirm={() => remove.mutate()}
            onClose={() => setDeleting(false)}
          >
            {t('inventory.deleteText', {
              key: system.key,
              name: system.name,
              components: system.components.length,
              dependencies: system.dependencies.length,
            })}
          </ConfirmDialog>
        </>
      )}
    </Stack>
  );
}
