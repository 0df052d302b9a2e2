import { Title } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The page's one <h1>. It takes the focus when it appears, so that after every step (and every
 * navigation) keyboard and screen-reader users start at the new page's heading; it also names
 * the browser tab.
 */
export function PageTitle({ children }: { children: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  const { t } = useTranslation();
  useEffect(() => {
    ref.current?.focus();
  }, []);
  useEffect(() => {
    document.title = `${children} · ${t('app.name')}`;
  }, [children, t]);
  return (
    <Title order={1} ref={ref} tabIndex={-1} size="h2" className="vaern-page-title">
      {children}
    </Title>
  );
}
