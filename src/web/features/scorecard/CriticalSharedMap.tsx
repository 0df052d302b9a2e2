import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { CriticalShared } from './access';

const LEVELS = [null, 'low', 'medium', 'high', 'critical'] as const;
const W = 640;
const H = 360;
const M = { left: 64, right: 24, top: 20, bottom: 56 };

/**
 * The "critical and shared" map: every system as a bubble by its criticality (x) against the
 * number of organisations that depend on it (y), bubbles sized by how many systems share that
 * spot, each with its count written in it. Plain SVG; the table under it holds the same figures.
 */
export function CriticalSharedMap({ buckets }: { buckets: CriticalShared['buckets'] }) {
  const { t } = useTranslation();
  const titleId = useId();
  const descId = useId();
  const maxOrgs = Math.max(1, ...buckets.map((b) => b.organisations));
  const maxSystems = Math.max(1, ...buckets.map((b) => b.systems));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const x = (c: string | null) => M.left + ((LEVELS.indexOf(c as never) + 0.5) / LEVELS.length) * plotW;
  // Organisations on a square-root scale: most systems have one, a few national ones many.
  // The top keeps room for the largest bubble.
  const y = (orgs: number) => M.top + plotH - (Math.sqrt(orgs) / Math.sqrt(maxOrgs)) * (plotH - 32);
  const r = (systems: number) => 6 + (Math.sqrt(systems) / Math.sqrt(maxSystems)) * 22;
  const ticks = [...new Set([1, Math.round(maxOrgs / 4), Math.round(maxOrgs / 2), maxOrgs])].filter(
    (v) => v >= 1,
  );
  const label = (c: string | null) => t(`scorecard.criticality.${c ?? 'none'}`);
  const total = buckets.reduce((s, b) => s + b.systems, 0);
  const shared = buckets.filter((b) => b.organisations > 1).reduce((s, b) => s + b.systems, 0);
  return (
    <svg
      role="img"
      aria-labelledby={`${titleId} ${descId}`}
      viewBox={`0 0 ${W} ${H}`}
      width="100%"
      height={H}
      preserveAspectRatio="xMinYMin meet"
      data-testid="critical-shared-map"
    >
      <title id={titleId}>{t('scorecard.sector.mapTitle')}</title>
      <desc id={descId}>{t('scorecard.sector.mapDesc', { total, shared, maxOrgs })}</desc>
      <rect x={M.left} y={M.top} width={plotW} height={plotH} fill="#f8f9fa" stroke="#ced4da" />
      {ticks.map((v) => (
        <g key={v}>
          <line x1={M.left} x2={M.left + plotW} y1={y(v)} y2={y(v)} stroke="#dee2e6" />
          <text x={M.left - 8} y={y(v) + 4} fontSize={12} textAnchor="end" fill="#343a40">
            {v}
          </text>
        </g>
      ))}
      {LEVELS.map((c) => (
        <text
          key={c ?? 'none'}
          x={x(c)}
          y={M.top + plotH + 20}
          fontSize={12}
          textAnchor="middle"
          fill="#343a40"
        >
          {label(c)}
        </text>
      ))}
      <text
        x={M.left + plotW / 2}
        y={H - 8}
        fontSize={12}
        textAnchor="middle"
        fill="#1a1b1e"
        fontWeight={600}
      >
        {t('scorecard.sector.xAxis')}
      </text>
      <text
        x={16}
        y={M.top + plotH / 2}
        fontSize={12}
        textAnchor="middle"
        fill="#1a1b1e"
        fontWeight={600}
        transform={`rotate(-90 16 ${M.top + plotH / 2})`}
      >
        {t('scorecard.sector.yAxis')}
      </text>
      {buckets.map((b) => {
        const critical = b.criticality === 'critical' || b.criticality === 'high';
        return (
          <g key={`${b.criticality}-${b.organisations}`} data-testid="bubble">
            <circle
              cx={x(b.criticality)}
              cy={y(b.organisations)}
              r={r(b.systems)}
              fill={critical && b.organisations > 1 ? '#f8d7d7' : '#dbe7f5'}
              stroke={critical && b.organisations > 1 ? '#a01c1c' : '#14508a'}
              strokeWidth={1.5}
            />
            <text
              x={x(b.criticality)}
              y={y(b.organisations) + 4}
              fontSize={11}
              textAnchor="middle"
              fill="#1a1b1e"
              fontWeight={600}
            >
              {b.systems}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
