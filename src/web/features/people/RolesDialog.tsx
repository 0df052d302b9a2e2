import { Button, Group, Stack, Text } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AppModal } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import type { Member, OrgRole } from './access';
import { RoleChecks } from './RoleChecks';

/** Changes a member's roles: every role they should hold afterwards, at least one. */
export function RolesDialog(props: {
  member: Member;
  roles: readonly OrgRole[];
  pending: boolean;
  error: unknown;
  onSave(roles: OrgRole[]): void;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const [roles, setRoles] = useState<OrgRole[]>(props.member.roles);
  const [error, setError] = useState<string>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (roles.length === 0) return setError(t('people.rolesRequired'));
    setError(undefined);
    props.onSave(roles);
  };
  return (
    <AppModal opened onClose={props.onClose} title={t('people.rolesTitle', { name: props.member.name })}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm">{t('people.rolesIntro', { email: props.member.email })}</Text>
          <ErrorAlert title={t('people.rolesFailed')} error={props.error} />
          <RoleChecks roles={props.roles} value={roles} onChange={setRoles} error={error} />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={props.onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={props.pending}>
              {t('people.saveRoles')}
            </Button>
          </Group>
        </Stack>
      </form>
    </AppModal>
  );
}
