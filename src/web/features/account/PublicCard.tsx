import { Container, Group, Paper, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../../components/LanguageSwitch';

/** The frame of the pages reached from a mail without a session: the name, the language, one card. */
export function PublicCard({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Container size={520} py="xl">
      <Group justify="space-between" mb="md" component="header">
        <Text fw={700} size="xl">
          {t('app.name')}
        </Text>
        <LanguageSwitch />
      </Group>
      <Paper component="main" id="main" withBorder shadow="sm" p="xl" radius="md">
        {children}
      </Paper>
    </Container>
  );
}

/** The token a mailed link carries after `#token=` (in the fragment, so it never reaches a server log). */
export function tokenFromHash(hash: string = window.location.hash): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token?.trim() ? token.trim() : null;
}
