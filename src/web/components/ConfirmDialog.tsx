import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from './ErrorAlert';

/**
 * Asks before an action that cannot be taken back. The dialog traps the focus and returns it on
 * close; `lockScroll` is off because the scroll lock injects a <style> element, which the CSP
 * refuses (docs/decisions/006).
 */
export function ConfirmDialog(props: {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  pending: boolean;
  error: unknown;
  onConfirm(): void;
  onClose(): void;
}) {
  const { t } = useTranslation();
  return (
    <AppModal opened={props.opened} onClose={props.onClose} title={props.title}>
      <Stack>
        {typeof props.children === 'string' ? <Text>{props.children}</Text> : props.children}
        <ErrorAlert title={t('app.error')} error={props.error} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={props.onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="red" loading={props.pending} onClick={props.onConfirm} data-autofocus>
            {props.confirmLabel}
          </Button>
        </Group>
      </Stack>
    </AppModal>
  );
}

/** Mantine's Modal as the CSP allows it (no scroll lock; see ConfirmDialog). */
export function AppModal(props: {
  opened: boolean;
  onClose(): void;
  title: string;
  size?: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={props.title}
      size={props.size ?? 'md'}
      lockScroll={false}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {props.children}
    </Modal>
  );
}
