import { Group, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { FindingsSummary } from './access';
import { useFindingFormats } from './format';

/** Stacked bottom to top: the worst on top, where the eye lands first. */
const STACK = ['low', 'medium', 'high', 'critical'] as const;
/** Colours with at least 3:1 against white (WCAG 1.4.11); the legend and the table name each one. */
const FILL: Record<(typeof STACK)[number], string> = {
  low: '#1864ab',
  medium: '#a66a00',
  high: '#d9480f',
  critical: '#c92a2a',
};

const W = 640;
const H = 220;
const LEFT = 40;
const BOTTOM = 28;
const TOP = 8;

/**
 * The open findings at the end of each of the last 13 weeks, by severity, as stacked bars (plain
 * SVG: nothing for the CSP to refuse). The image's label says what it shows in words; a table
 * below holds the same figures.
 */
export function TrendChart({ trend }: { trend: FindingsSummary['trend'] }) {
  const { t } = useTranslation();
  const f = useFindingFormats();
  const total = (w: FindingsSummary['trend'][number]) => STACK.reduce((n, s) => n + w.open[s], 0);
  const max = Math.max(1, ...trend.map(total));
  const plotH = H - TOP - BOTTOM;
  const slot = (W - LEFT) / Math.max(1, trend.length);
  const bar = Math.max(4, slot * 0.7);
  const y = (v: number) => TOP + plotH - (v / max) * plotH;
  const first = trend[0];
  const last = trend.at(-1);
  const label =
    first && last
      ? t('findings.overview.trendLabel', {
          count: trend.length,
          from: f.date(first.week),
          to: f.date(last.week),
          first: total(first),
          last: total(last),
        })
      : t('findings.overview.trendNone');
  return (
    <div>
      <svg
        role="img"
        aria-label={label}
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        style={{ maxWidth: W }}
        data-testid="trend-chart"
      >
        <title>{label}</title>
        <line x1={LEFT} x2={W} y1={y(0)} y2={y(0)} stroke="#495057" />
        <text x={LEFT - 6} y={y(max) + 4} textAnchor="end" fontSize="11" fill="#212529">
          {max}
        </text>
        <text x={LEFT - 6} y={y(0) + 4} textAnchor="end" fontSize="11" fill="#212529">
          0
        </text>
        {trend.map((w, i) => {
          const x = LEFT + i * slot + (slot - bar) / 2;
          let base = 0;
          return (
            <g key={w.week} data-testid="trend-week">
              {STACK.map((s) => {
                const v = w.open[s];
                const top = base + v;
                const rect =
                  v > 0 ? (
                    <rect key={s} x={x} y={y(top)} width={bar} height={y(base) - y(top)} fill={FILL[s]} />
                  ) : null;
                base = top;
                return rect;
              })}
              {(i % 2 === 0 || i === trend.length - 1) && (
                <text x={x + bar / 2} y={H - 10} textAnchor="middle" fontSize="10" fill="#212529">
                  {f.dayMonth(w.week)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <Group gap="md" mt={4} aria-hidden="true">
        {[...STACK].reverse().map((s) => (
          <Group key={s} gap={4}>
            <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
              <rect width="12" height="12" fill={FILL[s]} />
            </svg>
            <Text size="xs">{t(`findings.severity.${s}`)}</Text>
          </Group>
        ))}
      </Group>
      <details>
        <summary>
          <Text span size="sm">
            {t('findings.overview.trendTable')}
          </Text>
        </summary>
        <Table.ScrollContainer minWidth={480}>
          <Table data-testid="trend-table">
            <caption>{t('findings.overview.trend')}</caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('findings.overview.weekEnding')}</Table.Th>
                {[...STACK].reverse().map((s) => (
                  <Table.Th scope="col" key={s}>
                    {t(`findings.severity.${s}`)}
                  </Table.Th>
                ))}
                <Table.Th scope="col">{t('findings.overview.total')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {trend.map((w) => (
                <Table.Tr key={w.week}>
                  <Table.Th scope="row">{f.date(w.week)}</Table.Th>
                  {[...STACK].reverse().map((s) => (
                    <Table.Td key={s}>{f.number(w.open[s])}</Table.Td>
                  ))}
                  <Table.Td>{f.number(total(w))}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </details>
    </div>
  );
}
