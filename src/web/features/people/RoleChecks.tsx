import { Checkbox, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { OrgRole } from './access';

/** The roles to give a person, one checkbox each, under one group label. */
export function RoleChecks(props: {
  roles: readonly OrgRole[];
  value: OrgRole[];
  onChange(value: OrgRole[]): void;
  error?: string | undefined;
}) {
  const { t } = useTranslation();
  return (
    <Checkbox.Group
      label={t('people.roles')}
      description={t('people.rolesHint')}
      required
      value={props.value}
      onChange={(v) => props.onChange(v as OrgRole[])}
      error={props.error}
    >
      <Stack gap="xs" mt="xs">
        {props.roles.map((role) => (
          <Checkbox key={role} value={role} label={t(`roles.${role}`)} />
        ))}
      </Stack>
    </Checkbox.Group>
  );
}
