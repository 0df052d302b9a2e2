import { useTranslation } from 'react-i18next';
import type { Trend } from './access';
import { percentFormat } from './percent';

const W = 160;
const H = 40;
const PAD = 4;

const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

/**
 * One criterion's trend over the period as a small SVG line (plain SVG: nothing for the CSP to
 * refuse), with the pass share as a dashed line. Its label says what the line shows in words.
 */
export function Sparkline(props: {
  from: string;
  to: string;
  points: Trend['criteria'][number]['points'];
  threshold: number | null;
  days: number;
}) {
  const { t, i18n } = useTranslation();
  const percent = percentFormat(i18n.language === 'en' ? 'en-GB' : 'da-DK');
  const measured = props.points.filter((p) => p.value !== null) as Array<{ day: string; value: number }>;
  const start = dayNumber(props.from);
  const span = Math.max(1, dayNumber(props.to) - start);
  const x = (day: string) => PAD + ((dayNumber(day) - start) / span) * (W - 2 * PAD);
  const y = (value: number) => PAD + (1 - value) * (H - 2 * PAD);
  const last = measured.at(-1);
  const label =
    measured.length === 0
      ? t('scorecard.trend.none', { days: props.days })
      : t('scorecard.trend.label', {
          days: props.days,
          count: measured.length,
          first: percent(measured[0]?.value ?? 0),
          last: percent(last?.value ?? 0),
        });
  const path = measured
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.day).toFixed(1)} ${y(p.value).toFixed(1)}`)
    .join(' ');
  return (
    <svg role="img" aria-label={label} width={W} height={H} viewBox={`0 0 ${W} ${H}`} data-testid="sparkline">
      <title>{label}</title>
      <rect x={0.5} y={0.5} width={W - 1} height={H - 1} fill="#ffffff" stroke="#ced4da" />
      {props.threshold !== null && (
        <line
          x1={PAD}
          x2={W - PAD}
          y1={y(props.threshold)}
          y2={y(props.threshold)}
          stroke="#868e96"
          strokeDasharray="3 3"
        />
      )}
      {measured.length > 1 && <path d={path} fill="none" stroke="#14508a" strokeWidth={2} />}
      {last && <circle cx={x(last.day)} cy={y(last.value)} r={3} fill="#14508a" />}
    </svg>
  );
}
