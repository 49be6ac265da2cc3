import { useMemo, useState } from 'react';
import { plural } from '../../../shared/format';
import { LANE_LABEL, type MapBlockedLink, type MapLayout, type MapLink, type MapNode, NODE_H, NODE_W } from '../layout';

const STYLE_LABEL: Record<MapLink['style'], string> = {
  'cross-tier': 'cross-tier',
  manual: 'declared by hand',
  confirmed: 'confirmed',
  observed: 'observed, not reviewed',
  rejected: 'rejected',
};

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

const nodeName = (n: MapNode) => (n.namespace ? `${n.namespace}/${n.label}` : n.label);

function linkTitle(link: MapLink): string {
  const ports = [...new Set(link.edges.map((e) => `${e.port}/${e.protocol}`))].join(', ');
  const connections = link.edges.reduce((n, e) => n + e.connections, 0);
  return `${nodeName(link.from)} → ${nodeName(link.to)}\n${ports} · ${plural(connections, 'connection')} · ${STYLE_LABEL[link.style]}`;
}

function blockedTitle(link: MapBlockedLink): string {
  const ports = [...new Set(link.attempts.map((b) => `${b.port}/${b.protocol}`))].join(', ');
  const attempts = link.attempts.reduce((n, b) => n + b.attempts, 0);
  const reasons = [...new Set(link.attempts.flatMap((b) => b.reasons))].join(', ') || 'no reason given';
  return `${nodeName(link.from)} → ${nodeName(link.to)}\n${ports} · ${plural(attempts, 'refused attempt')} (${reasons}) · not allowed`;
}

/**
 * The drawing. Hovering a workload lights up its dependencies; clicking it narrows the table to
 * them. Cross-tier lines are red and drawn last, on top of everything. Blocked attempts are dashed
 * red lines of their own, under the edges (one declared since reads on top); clicking one opens their list.
 */
export function MapGraph({
  layout,
  focus,
  onFocus,
  highlight,
  onPickLink,
  onPickBlocked,
}: {
  layout: MapLayout;
  focus: string | null;
  onFocus(key: string | null): void;
  highlight: Set<string>;
  onPickLink(link: MapLink): void;
  onPickBlocked(link: MapBlockedLink): void;
}) {
  const [hover, setHover] = useState<string | null>(null);
  const active = hover ?? focus;
  const near = useMemo(() => {
    if (!active) return null;
    const keys = new Set([active]);
    for (const l of [...layout.links, ...layout.blockedLinks]) {
      if (l.from.key === active) keys.add(l.to.key);
      if (l.to.key === active) keys.add(l.from.key);
    }
    return keys;
  }, [active, layout.links, layout.blockedLinks]);
  const isLit = (link: { from: MapNode; to: MapNode }) => (active ? link.from.key === active || link.to.key === active : false);

  return (
    <svg
      className={`map-svg${active ? ' has-active' : ''}`}
      style={{ minWidth: Math.round(layout.width * 0.8), maxWidth: layout.width }}
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      role="group"
      aria-label={`Dependency map: ${plural(layout.nodes.length, 'endpoint')}, ${plural(layout.links.length, 'connection line')}`}
      data-testid="dependency-graph"
    >
      <defs>
        {(['cross-tier', 'manual', 'confirmed', 'observed', 'rejected', 'blocked'] as const).map((s) => (
          <marker
            key={s}
            id={`arrow-${s}`}
            viewBox="0 0 8 8"
            refX="7"
            refY="4"
            markerWidth="8"
            markerHeight="8"
            markerUnits="userSpaceOnUse"
            orient="auto-start-reverse"
          >
            <path d="M0,0 L8,4 L0,8 z" className={`arrow arrow-${s}`} />
          </marker>
        ))}
      </defs>
      {layout.lanes.map((lane) => (
        <g key={lane.key} className={`lane lane-${lane.key}`}>
          <rect x={0} y={lane.y} width={layout.width} height={lane.height} rx={8} />
          <text x={12} y={lane.y + 17} className="lane-label">
            {LANE_LABEL[lane.key].toUpperCase()} · {lane.count}
          </text>
        </g>
      ))}
      <g className="blocked-links">
        {layout.blockedLinks.map((link) => (
          <path
            key={link.id}
            d={link.path}
            className={`link link-blocked${isLit(link) ? ' lit' : ''}`}
            markerEnd="url(#arrow-blocked)"
            data-from={nodeName(link.from)}
            data-to={nodeName(link.to)}
            data-style="blocked"
            onClick={() => onPickBlocked(link)}
          >
            <title>{blockedTitle(link)}</title>
          </path>
        ))}
      </g>
      <g className="links">
        {layout.links.map((link) => (
          <path
            key={link.id}
            d={link.path}
            className={`link link-${link.style}${isLit(link) ? ' lit' : ''}`}
            markerEnd={`url(#arrow-${link.style})`}
            data-from={nodeName(link.from)}
            data-to={nodeName(link.to)}
            data-style={link.style}
            onClick={() => onPickLink(link)}
          >
            <title>{linkTitle(link)}</title>
          </path>
        ))}
      </g>
      <g className="nodes">
        {layout.nodes.map((n) => {
          const classes = ['node', `node-${n.lane}`];
          if (near && !near.has(n.key)) classes.push('dim');
          if (n.key === focus) classes.push('focused');
          if (highlight.has(n.key)) classes.push('match');
          return (
            <g
              key={n.key}
              className={classes.join(' ')}
              transform={`translate(${n.x},${n.y})`}
              onMouseEnter={() => setHover(n.key)}
              onMouseLeave={() => setHover(null)}
              onClick={() => onFocus(n.key === focus ? null : n.key)}
              role="button"
              tabIndex={0}
              aria-label={`${n.sublabel ? `${n.sublabel}/` : ''}${n.label}`}
              aria-pressed={n.key === focus}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  onFocus(n.key === focus ? null : n.key);
                }
              }}
              data-node={n.key}
            >
              <title>
                {n.namespace
                  ? nodeName(n)
                  : n.members.length > 1
                    ? n.members.map((m) => m.replace(/^external:/, '')).join('\n')
                    : `${n.label} (${n.sublabel})`}
              </title>
              <rect width={NODE_W} height={NODE_H} rx={6} />
              <text x={10} y={15} className="node-label">
                {clip(n.label, 21)}
              </text>
              <text x={10} y={28} className="node-sublabel">
                {clip(n.sublabel, 25)}
              </text>
            </g>
          );
        })}
      </g>
    </svg>
  );
}
