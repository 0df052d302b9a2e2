import { Badge, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { FindingState, Severity } from './access';

/**
 * A colour per severity, always with the severity's name beside it (colour is never the only
 * sign); the light variant keeps the text's contrast above 4.5:1 on every one of them.
 */
const SEVERITY_COLOR: Record<Severity, string> = {
  critical: 'red',
  high: 'orange',
  medium: 'yellow',
  low: 'blue',
  info: 'gray',
};

/** States as dot badges: the text in the body colour, the dot telling the state at a glance. */
const STATE_COLOR: Record<FindingState, string> = {
  open: 'red',
  in_progress: 'blue',
  risk_accepted: 'grape',
  false_positive: 'gray',
  fixed: 'green',
  suppressed: 'gray',
};

export function SeverityBadge({ severity }: { severity: Severity }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={SEVERITY_COLOR[severity]} data-severity={severity} miw="max-content">
      {t(`findings.severity.${severity}`)}
    </Badge>
  );
}

export function StateBadge({ state }: { state: FindingState }) {
  const { t } = useTranslation();
  return (
    <Badge variant="dot" color={STATE_COLOR[state]} data-state={state} miw="max-content">
      {t(`findings.state.${state}`)}
    </Badge>
  );
}

/**
 * A finding's SLA due date, marked when it has passed (the finding still open or in progress); a
 * finding that is fixed or a false positive has none to meet.
 */
export function DueDate({
  finding,
}: {
  finding: { due_on: string | null; overdue: boolean; state: FindingState };
}) {
  const { t } = useTranslation();
  const f = useFindingFormats();
  if (finding.state === 'fixed' || finding.state === 'false_positive') return <Text size="sm">—</Text>;
  if (finding.due_on === null) return <Text size="sm">{t('findings.noDue')}</Text>;
  return (
    <Group gap={6} wrap="nowrap" data-overdue={finding.overdue}>
      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
        {f.date(finding.due_on)}
      </Text>
      {finding.overdue && (
        <Badge color="red" variant="filled" size="sm" miw="max-content">
          {t('findings.overdueBadge')}
        </Badge>
      )}
    </Group>
  );
}

/** Formats for the findings' screens, in the page's language. */
export function useFindingFormats() {
  const { i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en-GB' : 'da-DK';
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const dayMonth = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const moment = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 });
  return {
    /** A YYYY-MM-DD date, or a dash. */
    date: (iso: string | null) => (iso ? day.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`)) : '—'),
    /** A YYYY-MM-DD date as day and month (a chart's axis: 6 Sept / 6. sep.). */
    dayMonth: (iso: string) => dayMonth.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`)),
    /** A timestamp, or a dash. */
    moment: (iso: string | null) => (iso ? moment.format(new Date(iso)) : '—'),
    number: (n: number) => number.format(n),
    /** A share (0–1) as a percentage: EPSS's probability and percentile. */
    percent: (n: number) => percent.format(n),
    text: (v: string | null) => (v === null || v === '' ? '—' : v),
    /** Host and port/protocol as a scanner names them: `10.0.0.5:443/tcp`. */
    where: (f: { host: string; port: number | null; protocol: string | null }) =>
      f.port === null ? f.host : `${f.host}:${f.port}${f.protocol ? `/${f.protocol}` : ''}`,
  };
}
