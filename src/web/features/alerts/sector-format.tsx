import { useTranslation } from 'react-i18next';
import { durationParts } from './sector';

/** The median time to acknowledge in words ("2 timer og 5 minutter"), or that nobody answered yet. */
export function useMedianAck() {
  const { t } = useTranslation();
  return (seconds: number | null): string => {
    if (seconds === null) return t('alerts.sector.noAckYet');
    const words = durationParts(seconds).map(([unit, count]) =>
      t(`alerts.sector.duration.${unit}`, { count }),
    );
    return words.join(` ${t('alerts.sector.duration.and')} `);
  };
}
