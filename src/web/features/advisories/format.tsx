import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AdvisoryMatch, Tlp } from './access';

/**
 * TLP 2.0's own colours (FIRST): the label in its colour on black. Every one of them is above
 * 4.5:1 against black, and the label's name is always written out (colour is never the only sign).
 */
const TLP_COLOR: Record<Tlp, string> = {
  CLEAR: '#FFFFFF',
  GREEN: '#33FF00',
  AMBER: '#FFC000',
  'AMBER+STRICT': '#FFC000',
  RED: '#FF2B2B',
};

export function TlpBadge({ tlp }: { tlp: string }) {
  const color = TLP_COLOR[tlp as Tlp] ?? '#FFFFFF';
  return (
    <Badge
      variant="filled"
      color="#000000"
      radius="sm"
      data-tlp={tlp}
      styles={{ label: { color }, root: { textTransform: 'none' } }}
    >
      {`TLP:${tlp}`}
    </Badge>
  );
}

const CONFIDENCE_COLOR: Record<AdvisoryMatch['confidence'], string> = {
  certain: 'red',
  likely: 'orange',
  possible: 'gray',
};

/** How sure a match is: a dot badge, its word beside the colour. */
export function ConfidenceBadge({ confidence }: { confidence: AdvisoryMatch['confidence'] }) {
  const { t } = useTranslation();
  return (
    <Badge variant="dot" color={CONFIDENCE_COLOR[confidence]} data-confidence={confidence}>
      {t(`advisories.confidence.${confidence}`)}
    </Badge>
  );
}

/** A known exploited vulnerability (CISA KEV). */
export function KevBadge() {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color="red" data-kev="true">
      {t('advisories.kev.badge')}
    </Badge>
  );
}

/** Formats for the advisories' screens, in the page's language. */
export function useAdvisoryFormats() {
  const { i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en-GB' : 'da-DK';
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const moment = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const score = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 });
  return {
    /** The day of a date or timestamp (UTC), or a dash. */
    date: (iso: string | null) => (iso ? day.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`)) : '—'),
    /** A timestamp, or a dash. */
    moment: (iso: string | null) => (iso ? moment.format(new Date(iso)) : '—'),
    /** A CVSS score with one decimal, or a dash. */
    cvss: (n: number | null) => (n === null ? '—' : score.format(n)),
    /** A probability (EPSS) as a percentage, or a dash. */
    percent: (n: number | null) => (n === null ? '—' : percent.format(n)),
    text: (v: string | null) => (v === null || v === '' ? '—' : v),
  };
}
