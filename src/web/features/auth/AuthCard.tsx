import { Container, Group, Paper, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../../components/LanguageSwitch';

/** The frame of the sign-in steps: the product's name, the language switch and one card. */
export function AuthCard({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Container size={480} py="xl">
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
