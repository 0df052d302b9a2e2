import { Button, Group, Paper, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../app/api';
import { type Contact, type ContactRole, ROLES } from './access';

export interface ContactInput {
  role: ContactRole;
  name: string;
  phone: string | null;
  email: string | null;
  notes: string | null;
}

/** Adds or edits one contact. Field errors come from the server's answer. */
export function ContactForm(props: {
  initial?: Contact;
  pending: boolean;
  error: unknown;
  onSubmit(input: ContactInput): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const [role, setRole] = useState<ContactRole>(props.initial?.role ?? 'security_officer');
  const [name, setName] = useState(props.initial?.name ?? '');
  const [phone, setPhone] = useState(props.initial?.phone ?? '');
  const [email, setEmail] = useState(props.initial?.email ?? '');
  const [notes, setNotes] = useState(props.initial?.notes ?? '');
  const fields = props.error instanceof ApiError ? props.error.fields : [];
  const fieldError = (name: string) =>
    fields.some((f) => f.path === `body.${name}`) ? t(`contacts.invalid.${name}`) : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const orNull = (v: string) => (v.trim() === '' ? null : v.trim());
    props.onSubmit({
      role,
      name: name.trim(),
      phone: orNull(phone),
      email: orNull(email),
      notes: orNull(notes),
    });
  };
  return (
    <Paper withBorder p="md" maw={720}>
      <form onSubmit={submit} aria-label={t(props.initial ? 'contacts.editTitle' : 'contacts.addTitle')}>
        <Stack gap="sm">
          <Select
            label={t('contacts.role')}
            required
            allowDeselect={false}
            value={role}
            onChange={(v) => v && setRole(v as ContactRole)}
            data={ROLES.map((r) => ({ value: r, label: t(`contacts.roles.${r}`) }))}
          />
          <TextInput
            label={t('contacts.name')}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldError('name')}
          />
          <TextInput
            label={t('contacts.phone')}
            type="tel"
            value={phone}
            onChange={(e) => setPhone(e.currentTarget.value)}
            error={fieldError('phone')}
          />
          <TextInput
            label={t('contacts.email')}
            type="email"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={fieldError('email')}
          />
          <Textarea
            label={t('contacts.notes')}
            value={notes}
            onChange={(e) => setNotes(e.currentTarget.value)}
            error={fieldError('notes')}
          />
          <Group gap="sm">
            <Button type="submit" loading={props.pending}>
              {t('contacts.save')}
            </Button>
            <Button variant="default" onClick={props.onCancel}>
              {t('contacts.cancel')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
