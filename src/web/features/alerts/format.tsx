import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AlertAnswer, AlertSeverity, AnswerStatus } from './access';

export { TlpBadge } from '../advisories/format';

const SEVERITY_COLOR: Record<AlertSeverity, string> = {
  critical: 'red',
  high: 'orange',
  medium: 'yellow',
  low: 'gray',
};

/** The alert's severity: its word in a coloured badge (colour is never the only sign). */
export function AlertSeverityBadge({ severity }: { severity: AlertSeverity }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={SEVERITY_COLOR[severity]} data-severity={severity}>
      {t(`alerts.severity.${severity}`)}
    </Badge>
  );
}

const STATUS_COLOR: Record<AnswerStatus, string> = {
  received: 'blue',
  assessing: 'yellow',
  affected: 'red',
  not_affected: 'green',
  mitigated: 'teal',
};

/** An answer's status, or "not answered" when there is none. */
export function AnswerBadge({ answer }: { answer: Pick<AlertAnswer, 'status'> | null }) {
  const { t } = useTranslation();
  if (!answer) {
    return (
      <Badge variant="outline" color="gray" data-status="none">
        {t('alerts.status.none')}
      </Badge>
    );
  }
  return (
    <Badge variant="dot" color={STATUS_COLOR[answer.status]} data-status={answer.status}>
      {t(`alerts.status.${answer.status}`)}
    </Badge>
  );
}

/** Formats for the alerts' screens, in the page's language. */
export function useAlertFormats() {
  const { i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en-GB' : 'da-DK';
  const moment = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  return {
    /** A timestamp in the browser's time zone. */
    moment: (iso: string) => moment.format(new Date(iso)),
  };
}
