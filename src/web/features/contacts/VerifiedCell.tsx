import { Badge, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Contact } from './access';

/** The "verified on" date, with an overdue badge when never verified or older than 12 months. */
export function VerifiedCell({ contact }: { contact: Contact }) {
  const { t, i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.language === 'en' ? 'en-GB' : 'da-DK', {
    dateStyle: 'medium',
    timeZone: 'UTC',
  });
  return (
    <Group gap="xs" wrap="nowrap">
      <Text size="sm">
        {contact.verified_on ? (
          <time dateTime={contact.verified_on}>
            {format.format(new Date(`${contact.verified_on}T00:00:00Z`))}
          </time>
        ) : (
          t('contacts.neverVerified')
        )}
      </Text>
      {contact.overdue && (
        <Badge color="red" variant="filled" data-testid="overdue">
          {t('contacts.overdue')}
        </Badge>
      )}
    </Group>
  );
}
