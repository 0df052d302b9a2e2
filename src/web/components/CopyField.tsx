import { Button, Group, TextInput, VisuallyHidden } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A value to hand on (a link, a token): shown read-only, selectable, with a copy button. The
 * field keeps its label so that screen readers announce what the value is; "copied" is announced
 * too. Without the Clipboard API (a page served over plain http) the field's text is selected and
 * copied the old way.
 */
export function CopyField({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 3000);
    return () => clearTimeout(timer);
  }, [copied]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      input.current?.select();
      document.execCommand('copy');
    }
    setCopied(true);
  };
  return (
    <Group align="flex-end" gap="xs" wrap="nowrap">
      <TextInput
        ref={input}
        label={label}
        value={value}
        readOnly
        spellCheck={false}
        onFocus={(e) => e.currentTarget.select()}
        flex={1}
        data-testid={testId}
        classNames={{ input: 'vaern-secret' }}
      />
      <Button
        variant={copied ? 'filled' : 'default'}
        onClick={() => void copy()}
        aria-label={t('common.copyLabel', { label })}
      >
        {copied ? t('common.copied') : t('common.copy')}
      </Button>
      <VisuallyHidden role="status">{copied ? t('common.copiedLabel', { label }) : ''}</VisuallyHidden>
    </Group>
  );
}
