import { Button, Group, List, NativeSelect, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Membership } from '../../app/api-types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { canShareFindings } from './access';
import { findingChangesKey } from './FindingChanges';
import { useFindingFormats } from './format';
import { setShare, type TestFinding, testFindingKey, useDirectory, useTestFinding } from './test-findings';

/** Which test found it: kind, name, tester, date. */
function Engagement({ test }: { test: TestFinding }) {
  const { t } = useTranslation();
  const f = useFindingFormats();
  const e = test.engagement;
  const rows: Array<[string, string]> = [
    [t('findings.tests.kind'), t(`findings.tests.kinds.${e.kind}`)],
    [t('findings.tests.engagementName'), e.name],
    [t('findings.tests.tester'), f.text(e.tester)],
    [t('findings.tests.testedOn'), f.date(e.tested_on)],
  ];
  return (
    <Paper withBorder p="md" data-testid="finding-engagement">
      <Title order={2} size="h4" mb="xs">
        {t('findings.tests.engagement')}
      </Title>
      <Table>
        <Table.Tbody>
          {rows.map(([label, value]) => (
            <Table.Tr key={label}>
              <Table.Th scope="row" w="35%">
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

/**
 * The organisations the finding is shared with, read-only; the security officer (or admin)
 * shares it with another organisation of the directory or stops sharing. Others see the list only.
 */
function SharedWith(props: { org: string; test: TestFinding; mayShare: boolean }) {
  const { t } = useTranslation();
  const f = useFindingFormats();
  const queryClient = useQueryClient();
  const id = props.test.finding.id;
  const directory = useDirectory(props.mayShare);
  const [chosen, setChosen] = useState('');
  const [chooseError, setChooseError] = useState<string>();
  const [stopping, setStopping] = useState<{ slug: string; name: string }>();
  const [done, setDone] = useState('');
  const change = useMutation({
    mutationFn: (v: { slug: string; shared: boolean }) => setShare(props.org, id, v.slug, v.shared),
    onSuccess: (updated, v) => {
      queryClient.setQueryData(testFindingKey(props.org, id), updated);
      void queryClient.invalidateQueries({ queryKey: findingChangesKey(props.org, id) });
      const name =
        updated.shared_with.find((s) => s.org.slug === v.slug)?.org.name ?? stopping?.name ?? v.slug;
      setDone(t(v.shared ? 'findings.share.sharedDone' : 'findings.share.stoppedDone', { name }));
      setChosen('');
      setStopping(undefined);
    },
  });
  const sharedSlugs = new Set(props.test.shared_with.map((s) => s.org.slug));
  const choices = (directory.data ?? []).filter((o) => o.slug !== props.org && !sharedSlugs.has(o.slug));
  const share = (e: FormEvent) => {
    e.preventDefault();
    setDone('');
    if (!chosen) return setChooseError(t('findings.share.chooseRequired'));
    setChooseError(undefined);
    change.mutate({ slug: chosen, shared: true });
  };
  return (
    <Paper withBorder p="md" data-testid="finding-shares">
      <Title order={2} size="h4" mb="xs">
        {t('findings.share.heading')}
      </Title>
      <Stack gap="sm">
        <Text size="sm">{t('findings.share.intro')}</Text>
        {props.test.shared_with.length === 0 ? (
          <Text size="sm" data-testid="shares-none">
            {t('findings.share.none')}
          </Text>
        ) : (
          <List listStyleType="none" spacing="xs" data-testid="shares">
            {props.test.shared_with.map((s) => (
              <List.Item key={s.org.id} data-testid="share">
                <Group gap="sm">
                  <Text size="sm">
                    {t('findings.share.since', { name: s.org.name, date: f.moment(s.shared_at) })}
                  </Text>
                  {props.mayShare && (
                    <Button
                      size="compact-sm"
                      variant="default"
                      aria-label={t('findings.share.stopWith', { name: s.org.name })}
                      onClick={() => {
                        change.reset();
                        setDone('');
                        setStopping({ slug: s.org.slug, name: s.org.name });
                      }}
                    >
                      {t('findings.share.stop')}
                    </Button>
                  )}
                </Group>
              </List.Item>
            ))}
          </List>
        )}
        {props.mayShare && (
          <form onSubmit={share} noValidate aria-label={t('findings.share.add')}>
            <Group align="flex-end" gap="sm" wrap="wrap">
              <NativeSelect
                label={t('findings.share.org')}
                w={360}
                data={[
                  { value: '', label: t('findings.share.chooseOrg') },
                  ...choices.map((o) => ({ value: o.slug, label: `${o.name} (${o.slug})` })),
                ]}
                value={chosen}
                error={chooseError}
                onChange={(e) => setChosen(e.currentTarget.value)}
              />
              <Button type="submit" loading={change.isPending && stopping === undefined}>
                {t('findings.share.add')}
              </Button>
            </Group>
          </form>
        )}
        <ErrorAlert title={t('app.error')} error={directory.error} />
        {stopping === undefined && <ErrorAlert title={t('findings.share.failed')} error={change.error} />}
        <Text role="status" size="sm">
          {done}
        </Text>
      </Stack>
      <ConfirmDialog
        opened={stopping !== undefined}
        title={t('findings.share.stopTitle')}
        confirmLabel={t('findings.share.stop')}
        pending={change.isPending}
        error={change.error}
        onConfirm={() => stopping && change.mutate({ slug: stopping.slug, shared: false })}
        onClose={() => {
          setStopping(undefined);
          change.reset();
        }}
      >
        {t('findings.share.stopExplain', { name: stopping?.name ?? '' })}
      </ConfirmDialog>
    </Paper>
  );
}

/** A penetration-test or red-team finding's engagement and its sharing, on the finding's page. */
export function TestFindingPanels(props: { org: string; id: string; membership: Membership | undefined }) {
  const { t } = useTranslation();
  const test = useTestFinding(props.org, props.id, true);
  return (
    <>
      <ErrorAlert title={t('app.error')} error={test.error} />
      {test.data && (
        <>
          <Engagement test={test.data} />
          <SharedWith org={props.org} test={test.data} mayShare={canShareFindings(props.membership)} />
        </>
      )}
    </>
  );
}
