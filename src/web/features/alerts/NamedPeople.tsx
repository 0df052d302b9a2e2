import { Button, CloseButton, Fieldset, Group, List, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { ErrorAlert } from '../../components/ErrorAlert';

/** A person found by the coordinator's lookup (POST /sector/people/lookup, person-routes.ts). */
interface FoundPerson {
  user_id: string;
  name: string;
  email: string;
  organisations: Array<{ id: string; slug: string; name: string; kind: string }>;
}

/** A person named in the alert, in one of their organisations. */
export interface NamedPerson {
  user_id: string;
  org_id: string;
  name: string;
  email: string;
  org_name: string;
}

/**
 * Named people of the alert's audience. The coordinator finds each person by their exact e-mail
 * address (never from a list: other organisations' people are not the sector unit's to browse),
 * then names them in one of the organisations they are a member of.
 */
export function NamedPeople({
  value,
  onChange,
}: {
  value: NamedPerson[];
  onChange(next: NamedPerson[]): void;
}) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [found, setFound] = useState<FoundPerson | null>(null);
  const [org, setOrg] = useState<string | null>(null);
  const add = (person: FoundPerson, orgId: string) => {
    const o = person.organisations.find((x) => x.id === orgId);
    if (!o) return;
    const rest = value.filter((p) => !(p.user_id === person.user_id && p.org_id === orgId));
    onChange([
      ...rest,
      { user_id: person.user_id, org_id: o.id, name: person.name, email: person.email, org_name: o.name },
    ]);
    setFound(null);
    setOrg(null);
    setEmail('');
  };
  const lookup = useMutation({
    mutationFn: (address: string) => api<FoundPerson>('POST', '/sector/people/lookup', { email: address }),
    onSuccess: (person) => {
      const [only] = person.organisations;
      if (person.organisations.length === 1 && only) add(person, only.id);
      else setFound(person);
    },
  });
  const submit = (event: { preventDefault(): void; stopPropagation(): void }) => {
    event.preventDefault();
    event.stopPropagation();
    if (email.trim()) lookup.mutate(email.trim());
  };
  return (
    <Fieldset legend={t('alerts.sector.people.legend')} data-testid="named-people">
      <Stack gap="xs">
        <Text size="sm">{t('alerts.sector.people.hint')}</Text>
        {value.length > 0 && (
          <List size="sm" aria-label={t('alerts.sector.people.chosen')} data-testid="named-people-list">
            {value.map((p) => (
              <List.Item key={`${p.user_id}:${p.org_id}`}>
                <Group gap="xs" wrap="nowrap">
                  <span>
                    {t('alerts.sector.people.entry', { name: p.name, email: p.email, org: p.org_name })}
                  </span>
                  <CloseButton
                    size="sm"
                    aria-label={t('alerts.sector.people.remove', { name: p.name, org: p.org_name })}
                    onClick={() => onChange(value.filter((x) => x !== p))}
                  />
                </Group>
              </List.Item>
            ))}
          </List>
        )}
        {/* Its own form inside the composer's would be invalid HTML: a group that submits on Enter. */}
        <Group
          align="flex-end"
          role="group"
          aria-label={t('alerts.sector.people.find')}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'INPUT') submit(e);
          }}
        >
          <TextInput
            type="email"
            label={t('alerts.sector.people.email')}
            w={340}
            maxLength={254}
            value={email}
            onChange={(e) => {
              setEmail(e.currentTarget.value);
              lookup.reset();
            }}
          />
          <Button variant="default" loading={lookup.isPending} onClick={submit}>
            {t('alerts.sector.people.find')}
          </Button>
        </Group>
        <ErrorAlert title={t('alerts.sector.people.notFound')} error={lookup.error} />
        {found && (
          <Group align="flex-end" data-testid="named-person-found">
            <Select
              label={t('alerts.sector.people.org', { name: found.name })}
              w={340}
              value={org}
              onChange={setOrg}
              data={found.organisations.map((o) => ({ value: o.id, label: o.name }))}
            />
            <Button variant="default" disabled={!org} onClick={() => org && add(found, org)}>
              {t('alerts.sector.people.add')}
            </Button>
          </Group>
        )}
      </Stack>
    </Fieldset>
  );
}
