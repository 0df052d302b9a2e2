import { Button, Group, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../app/api';
import { currentLanguage, LANGUAGES, type Language } from '../../app/i18n';
import { AppModal } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import type { OrgRole } from './access';
import { RoleChecks } from './RoleChecks';

export interface InvitationInput {
  email: string;
  name?: string;
  roles: OrgRole[];
  locale: Language;
}

type Field = 'email' | 'name' | 'roles' | 'locale';
type Errors = Partial<Record<Field, string>>;
const FIELDS: readonly Field[] = ['email', 'name', 'roles', 'locale'];

/** The server's refusals that belong to one field (their title is already translated). */
const FIELD_OF_CODE: Record<string, Field> = {
  'people.already_member': 'email',
  'people.already_invited': 'email',
};

function serverErrors(error: unknown, t: (key: string) => string): Errors {
  if (!(error instanceof ApiError)) return {};
  const coded = FIELD_OF_CODE[error.code];
  if (coded) return { [coded]: error.title };
  const found: Errors = {};
  for (const { path } of error.fields) {
    const field = FIELDS.find((f) => path === `body.${f}` || path.startsWith(`body.${f}.`));
    if (field) found[field] = t(`people.invalid.${field}`);
  }
  return found;
}

/** Invites a person by e-mail into the organisation, with their roles and the mail's language. */
export function InviteDialog(props: {
  orgName: string;
  roles: readonly OrgRole[];
  pending: boolean;
  error: unknown;
  onInvite(input: InvitationInput): void;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<OrgRole[]>(['member']);
  const [locale, setLocale] = useState<Language>(currentLanguage());
  const [errors, setErrors] = useState<Errors>({});
  const fromServer = serverErrors(props.error, t);
  const shown = { ...fromServer, ...errors };
  const placed = Object.keys(fromServer).length > 0;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found: Errors = {};
    if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) found.email = t('people.invalid.email');
    if (roles.length === 0) found.roles = t('people.rolesRequired');
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    props.onInvite({
      email: email.trim(),
      ...(name.trim() ? { name: name.trim() } : {}),
      roles,
      locale,
    });
  };
  return (
    <AppModal opened onClose={props.onClose} title={t('people.inviteTitle')} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm">{t('people.inviteIntro', { org: props.orgName })}</Text>
          {!placed && <ErrorAlert title={t('people.inviteFailed')} error={props.error} />}
          <TextInput
            label={t('people.email')}
            type="email"
            required
            autoComplete="off"
            value={email}
            error={shown.email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            data-autofocus
          />
          <TextInput
            label={t('people.name')}
            description={t('people.nameHint')}
            autoComplete="off"
            maxLength={200}
            value={name}
            error={shown.name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <RoleChecks roles={props.roles} value={roles} onChange={setRoles} error={shown.roles} />
          <NativeSelect
            label={t('people.locale')}
            description={t('people.localeHint')}
            value={locale}
            error={shown.locale}
            onChange={(e) => setLocale(e.currentTarget.value as Language)}
            data={LANGUAGES.map((l) => ({ value: l, label: t(`language.${l}`) }))}
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={props.onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={props.pending}>
              {t('people.sendInvite')}
            </Button>
          </Group>
        </Stack>
      </form>
    </AppModal>
  );
}
