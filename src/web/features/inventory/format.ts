import { useTranslation } from 'react-i18next';

/** Formats for the inventory's screens, in the page's language. */
export function useFormats() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en-GB' : 'da-DK';
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  return {
    /** A YYYY-MM-DD date, or a dash. */
    date: (iso: string | null) => (iso ? day.format(new Date(`${iso}T00:00:00Z`)) : '—'),
    /** A number of hours, or a dash. */
    hours: (h: number | null) =>
      h === null ? '—' : t('inventory.hours', { count: h, value: number.format(h) }),
    /** A yes/no/not recorded value. */
    yesNo: (v: boolean | null) =>
      v === null ? t('inventory.notRecorded') : v ? t('inventory.yes') : t('inventory.no'),
    /** A list, or a dash. */
    list: (items: readonly string[]) => (items.length === 0 ? '—' : items.join(', ')),
    text: (v: string | null) => (v === null || v === '' ? '—' : v),
  };
}

/** A badge colour per criticality: a colour that always goes with the level's name. */
export const CRITICALITY_COLOR: Record<string, string> = {
  critical: 'red',
  high: 'orange',
  medium: 'yellow',
  low: 'gray',
};
