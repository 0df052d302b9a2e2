import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { SystemDetail } from './access';

type NodeType = 'process' | 'system' | 'component' | 'supplier' | 'more';

interface GraphNode {
  id: string;
  type: NodeType;
  label: string;
  sub: string;
}

const NODE_W = 240;
const NODE_H = 44;
const GAP_Y = 14;
const COLUMN_X = [16, 336, 656];
const WIDTH = 656 + NODE_W + 16;
/** At most this many nodes per column; the rest are counted in one "more" node (the table lists all). */
const MAX_PER_COLUMN = 12;

/** Fill and stroke per node type; each node also names its type in text, so colour is never alone. */
const STYLE: Record<NodeType, { fill: string; stroke: string }> = {
  process: { fill: '#e7f0fb', stroke: '#14508a' },
  system: { fill: '#eef2f4', stroke: '#343a40' },
  component: { fill: '#f3ecfb', stroke: '#5b2a8c' },
  supplier: { fill: '#fdf0e3', stroke: '#873d00' },
  more: { fill: '#ffffff', stroke: '#6b7280' },
};

const clip = (s: string, max = 30) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/**
 * The system's dependencies as a layered graph, drawn as plain SVG (no library, nothing for the
 * CSP to refuse): what uses it (processes, other systems) on the left, the system in the middle,
 * what it uses (systems, suppliers) and its components on the right. The table beside it lists
 * the same dependencies for screen readers and keyboard use.
 */
export function DependencyGraph({ system }: { system: SystemDetail }) {
  const { t } = useTranslation();
  const titleId = useId();
  const descId = useId();
  const typeLabel = (type: NodeType) => t(`inventory.graph.types.${type}`);
  const usedBy: GraphNode[] = system.dependencies
    .filter((d) => d.to_type === 'system' && d.to_key === system.key)
    .sort((a, b) =>
      a.from_type === b.from_type ? a.from_key.localeCompare(b.from_key) : a.from_type === 'process' ? -1 : 1,
    )
    .map((d) => ({ id: `in-${d.id}`, type: d.from_type, label: d.from_name, sub: d.from_key }));
  const uses: GraphNode[] = [
    ...system.dependencies
      .filter((d) => d.from_type === 'system' && d.from_key === system.key)
      // Systems before suppliers, each by key: the same drawing every time.
      .sort((a, b) =>
        a.to_type === b.to_type ? a.to_key.localeCompare(b.to_key) : a.to_type === 'system' ? -1 : 1,
      )
      .map((d) => ({ id: `out-${d.id}`, type: d.to_type, label: d.to_name, sub: d.to_key })),
    ...system.components.map((c) => ({
      id: `c-${c.id}`,
      type: 'component' as const,
      label: [c.vendor, c.product, c.version].filter(Boolean).join(' ') || c.key,
      sub: c.key,
    })),
  ];
  const limit = (nodes: GraphNode[]): GraphNode[] =>
    nodes.length <= MAX_PER_COLUMN
      ? nodes
      : [
          ...nodes.slice(0, MAX_PER_COLUMN - 1),
          {
            id: 'more',
            type: 'more',
            label: t('inventory.graph.more', { count: nodes.length - MAX_PER_COLUMN + 1 }),
            sub: '',
          },
        ];
  const columns = [
    limit(usedBy),
    [{ id: 'self', type: 'system' as const, label: system.name, sub: system.key }],
    limit(uses),
  ];
  const rows = Math.max(1, ...columns.map((c) => c.length));
  const height = rows * (NODE_H + GAP_Y) + GAP_Y;
  const place = (column: number, index: number) => {
    const count = columns[column]?.length ?? 1;
    const top = (height - (count * (NODE_H + GAP_Y) - GAP_Y)) / 2;
    return { x: COLUMN_X[column] ?? 0, y: top + index * (NODE_H + GAP_Y) };
  };
  const self = place(1, 0);
  const edge = (from: { x: number; y: number }, to: { x: number; y: number }) => {
    const x1 = from.x + NODE_W;
    const y1 = from.y + NODE_H / 2;
    const x2 = to.x;
    const y2 = to.y + NODE_H / 2;
    const mid = (x1 + x2) / 2;
    return `M${x1} ${y1} C${mid} ${y1}, ${mid} ${y2}, ${x2 - 4} ${y2}`;
  };
  const summary = t('inventory.graph.summary', {
    name: system.name,
    usedBy: usedBy.length,
    uses: uses.length - system.components.length,
    components: system.components.length,
  });
  return (
    <svg
      role="img"
      aria-labelledby={`${titleId} ${descId}`}
      viewBox={`0 0 ${WIDTH} ${height}`}
      width="100%"
      height={height}
      preserveAspectRatio="xMinYMin meet"
      data-testid="dependency-graph"
    >
      <title id={titleId}>{t('inventory.graph.title', { key: system.key })}</title>
      <desc id={descId}>{summary}</desc>
      <defs>
        <marker
          id={`${titleId}-arrow`}
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto"
        >
          <path d="M0 0 L10 5 L0 10 z" fill="#495057" />
        </marker>
      </defs>
      {columns[0]?.map((_, i) => (
        <path
          key={`e0-${columns[0]?.[i]?.id}`}
          d={edge(place(0, i), self)}
          fill="none"
          stroke="#495057"
          strokeWidth={1.5}
          markerEnd={`url(#${titleId}-arrow)`}
        />
      ))}
      {columns[2]?.map((n, i) => (
        <path
          key={`e2-${n.id}`}
          d={edge(self, place(2, i))}
          fill="none"
          stroke="#495057"
          strokeWidth={1.5}
          strokeDasharray={n.type === 'component' ? '4 3' : undefined}
          markerEnd={`url(#${titleId}-arrow)`}
        />
      ))}
      {columns.map((column, c) =>
        column.map((n, i) => {
          const { x, y } = place(c, i);
          const style = STYLE[n.type];
          const isSelf = n.id === 'self';
          return (
            <g key={n.id} data-node-type={n.type}>
              <rect
                x={x}
                y={y}
                width={NODE_W}
                height={NODE_H}
                rx={6}
                fill={style.fill}
                stroke={style.stroke}
                strokeWidth={isSelf ? 3 : 1.5}
              />
              <text x={x + 10} y={y + 18} fontSize={13} fontWeight={isSelf ? 700 : 600} fill="#1a1b1e">
                {clip(n.label)}
              </text>
              {n.type !== 'more' && (
                <text x={x + 10} y={y + 35} fontSize={11} fill="#343a40">
                  {clip(`${typeLabel(n.type)} · ${n.sub}`, 38)}
                </text>
              )}
            </g>
          );
        }),
      )}
    </svg>
  );
}
