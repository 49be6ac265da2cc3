import type { BlockedAttemptView, EdgeView, NamespaceView, WorkloadView } from '@bulkhead/contracts';

/**
 * The map's drawing, computed (pure, deterministic: the same input always gives the same picture).
 * Rows are lanes by tier (outside the cluster, no tier, dev, staging, prod) so that an edge from
 * one tier into another crosses lanes and shows; columns are call depth (who calls whom, left to
 * right, by longest path after breaking cycles), so a request reads from left to right.
 */
export type LaneKey = 'outside' | 'none' | 'dev' | 'staging' | 'prod';
export const LANES: LaneKey[] = ['outside', 'none', 'dev', 'staging', 'prod'];
export const LANE_LABEL: Record<LaneKey, string> = {
  outside: 'Outside the cluster',
  none: 'No tier',
  dev: 'Development',
  staging: 'Staging',
  prod: 'Production',
};

export interface MapNode {
  key: string;
  /** The endpoints this node stands for: one, or several external addresses with the same peers. */
  members: string[];
  label: string;
  sublabel: string;
  namespace: string | null;
  lane: LaneKey;
  column: number;
  x: number;
  y: number;
}

export interface MapLink {
  /** `fromKey>toKey`: every edge between two nodes (several ports) is one line. */
  id: string;
  from: MapNode;
  to: MapNode;
  edges: EdgeView[];
  style: 'cross-tier' | 'manual' | 'confirmed' | 'observed' | 'rejected';
  path: string;
}

/** The refused attempts between two nodes, drawn as one line of their own: never an allowed edge. */
export interface MapBlockedLink {
  /** `fromKey>toKey`, as a link's. */
  id: string;
  from: MapNode;
  to: MapNode;
  attempts: BlockedAttemptView[];
  path: string;
}

export interface MapLayout {
  nodes: MapNode[];
  links: MapLink[];
  blockedLinks: MapBlockedLink[];
  lanes: Array<{ key: LaneKey; y: number; height: number; count: number }>;
  width: number;
  height: number;
}

export const NODE_W = 148;
export const NODE_H = 36;
const COL_GAP = 44;
const ROW_GAP = 10;
const LANE_HEAD = 26;
const LANE_PAD = 12;
const LANE_GAP = 8;
const LEFT = 16;

export function namespaceOf(key: string): string | null {
  if (!key.startsWith('workload:')) return null;
  const rest = key.slice('workload:'.length);
  const slash = rest.indexOf('/');
  return slash < 0 ? null : rest.slice(0, slash);
}

function describe(key: string, display: string): { label: string; sublabel: string } {
  if (key.startsWith('workload:')) {
    const [namespace = '', ...name] = key.slice('workload:'.length).split('/');
    return { label: name.join('/'), sublabel: namespace };
  }
  if (key.startsWith('reserved:')) return { label: key.slice('reserved:'.length), sublabel: 'reserved identity' };
  if (key.startsWith('external:')) return { label: display, sublabel: 'external' };
  if (key.startsWith('externals:')) return { label: display, sublabel: 'external addresses, same peers' };
  return { label: display, sublabel: '' };
}

function styleOf(edges: EdgeView[]): MapLink['style'] {
  const live = edges.filter((e) => e.review !== 'rejected');
  if (live.length === 0) return 'rejected';
  if (live.some((e) => e.crossTier)) return 'cross-tier';
  if (live.some((e) => e.origin === 'manual')) return 'manual';
  if (live.every((e) => e.review === 'confirmed')) return 'confirmed';
  return 'observed';
}

/**
 * External addresses that talk to exactly the same peers (six client IPs reaching the ingress)
 * are drawn as one node: "203.0.113.7/32 +5".
 */
function groupExternals(
  edges: EdgeView[],
  display: Map<string, string>,
): { alias: (key: string) => string; members: Map<string, string[]> } {
  const peers = new Map<string, string[]>();
  for (const e of edges) {
    if (e.fromKey.startsWith('external:')) peers.set(e.fromKey, [...(peers.get(e.fromKey) ?? []), `out:${e.toKey}`]);
    if (e.toKey.startsWith('external:')) peers.set(e.toKey, [...(peers.get(e.toKey) ?? []), `in:${e.fromKey}`]);
  }
  const bySignature = new Map<string, string[]>();
  for (const [key, list] of [...peers.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const signature = [...new Set(list)].sort().join('|');
    bySignature.set(signature, [...(bySignature.get(signature) ?? []), key]);
  }
  const aliasOf = new Map<string, string>();
  const members = new Map<string, string[]>();
  for (const keys of bySignature.values()) {
    const [first, ...others] = keys;
    if (first === undefined || others.length === 0) continue;
    const group = `externals:${first}`;
    for (const k of keys) aliasOf.set(k, group);
    members.set(group, keys);
    display.set(group, `${display.get(first) ?? first} +${others.length}`);
  }
  return { alias: (key) => aliasOf.get(key) ?? key, members };
}

/** Blocked attempts place their ends as edges do (a refused call still reads caller to callee), but draw lines of their own. */
export function layoutMap(input: {
  edges: EdgeView[];
  blocked?: BlockedAttemptView[];
  workloads: WorkloadView[];
  namespaces: NamespaceView[];
  includeIdle: boolean;
}): MapLayout {
  const tierOf = new Map(input.namespaces.map((n) => [n.name, n.tier] as const));
  const blocked = input.blocked ?? [];
  const display = new Map<string, string>();
  for (const e of [...input.edges, ...blocked]) {
    display.set(e.fromKey, e.from);
    display.set(e.toKey, e.to);
  }
  const { alias, members } = groupExternals(input.edges, display);
  const ends = input.edges.map((e) => ({ e, from: alias(e.fromKey), to: alias(e.toKey) }));
  const calls = [...ends, ...blocked.map((b) => ({ from: alias(b.fromKey), to: alias(b.toKey) }))];
  for (const k of members.keys()) for (const m of members.get(k)!) display.delete(m);
  const keys = new Set<string>(display.keys());
  if (input.includeIdle) for (const w of input.workloads) keys.add(`workload:${w.namespace}/${w.name}`);
  const sorted = [...keys].sort();

  // Longest-path columns over the graph without its back edges (a DFS in key order finds them).
  const out = new Map<string, string[]>(sorted.map((k) => [k, []]));
  for (const { from, to } of calls) if (from !== to) out.get(from)!.push(to);
  for (const list of out.values()) list.sort();
  const state = new Map<string, 1 | 2>();
  const order: string[] = [];
  const forward = new Map<string, string[]>(sorted.map((k) => [k, []]));
  const visit = (start: string) => {
    const stack: Array<[string, number]> = [[start, 0]];
    state.set(start, 1);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [node, i] = top;
      const next = out.get(node)!;
      if (i < next.length) {
        top[1]++;
        const to = next[i]!;
        const s = state.get(to);
        if (s === 1) continue; // back edge: breaks a cycle
        forward.get(node)!.push(to);
        if (!s) {
          state.set(to, 1);
          stack.push([to, 0]);
        }
      } else {
        state.set(node, 2);
        order.push(node);
        stack.pop();
      }
    }
  };
  for (const k of sorted) if (!state.has(k)) visit(k);
  const column = new Map<string, number>(sorted.map((k) => [k, 0]));
  for (const from of order.toReversed()) {
    for (const to of forward.get(from)!) column.set(to, Math.max(column.get(to)!, column.get(from)! + 1));
  }

  const laneOf = (key: string): LaneKey => {
    const ns = namespaceOf(key);
    if (ns === null) return 'outside';
    return tierOf.get(ns) ?? 'none';
  };

  // Place lane by lane; inside a cell (lane x column), order by where the callers sit, then by name.
  const columns = Math.max(0, ...column.values()) + 1;
  const preds = new Map<string, string[]>(sorted.map((k) => [k, []]));
  for (const { from, to } of calls) if (from !== to) preds.get(to)!.push(from);
  const nodes = new Map<string, MapNode>();
  const lanes: MapLayout['lanes'] = [];
  let y = 0;
  for (const lane of LANES) {
    const inLane = sorted.filter((k) => laneOf(k) === lane);
    if (inLane.length === 0) continue;
    const laneTop = y;
    let rows = 0;
    const order = new Map<string, number>();
    // The lane's cells, each in key order, grouped in one pass (a long call chain makes a thousand columns).
    const cells = Array.from({ length: columns }, (): string[] => []);
    for (const k of inLane) cells[column.get(k)!]!.push(k);
    for (const [c, cell] of cells.entries()) {
      const weight = (k: string) => {
        const ys = preds
          .get(k)!
          .map((p) => order.get(p))
          .filter((v): v is number => v !== undefined);
        return ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : Number.POSITIVE_INFINITY;
      };
      const ranked = cell
        .map((k) => ({ k, w: weight(k), ns: namespaceOf(k) ?? '' }))
        .sort((a, b) => a.w - b.w || a.ns.localeCompare(b.ns) || a.k.localeCompare(b.k));
      ranked.forEach(({ k }, i) => {
        order.set(k, i);
        const { label, sublabel } = describe(k, display.get(k) ?? k);
        nodes.set(k, {
          key: k,
          members: members.get(k) ?? [k],
          label,
          sublabel,
          namespace: namespaceOf(k),
          lane,
          column: c,
          x: LEFT + c * (NODE_W + COL_GAP),
          y: laneTop + LANE_HEAD + i * (NODE_H + ROW_GAP),
        });
      });
      rows = Math.max(rows, cell.length);
    }
    const height = LANE_HEAD + rows * (NODE_H + ROW_GAP) - ROW_GAP + LANE_PAD;
    lanes.push({ key: lane, y: laneTop, height, count: inLane.length });
    y += height + LANE_GAP;
  }

  const grouped = new Map<string, { fromKey: string; toKey: string; edges: EdgeView[] }>();
  for (const { e, from, to } of ends) {
    const id = `${from}>${to}`;
    const group = grouped.get(id);
    if (group) group.edges.push(e);
    else grouped.set(id, { fromKey: from, toKey: to, edges: [e] });
  }
  const links: MapLink[] = [];
  for (const [id, { fromKey, toKey, edges }] of [...grouped.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const from = nodes.get(fromKey)!;
    const to = nodes.get(toKey)!;
    links.push({ id, from, to, edges, style: styleOf(edges), path: curve(from, to) });
  }
  // Draw the quiet lines first and the ones that matter last, on top.
  const rank: Record<MapLink['style'], number> = { rejected: 0, observed: 1, confirmed: 2, manual: 3, 'cross-tier': 4 };
  links.sort((a, b) => rank[a.style] - rank[b.style]);

  return {
    nodes: [...nodes.values()],
    links,
    blockedLinks: blockedLinks(blocked, alias, nodes),
    lanes,
    width: LEFT * 2 + columns * NODE_W + (columns - 1) * COL_GAP,
    height: Math.max(0, y - LANE_GAP),
  };
}

function blockedLinks(attempts: BlockedAttemptView[], alias: (key: string) => string, nodes: Map<string, MapNode>): MapBlockedLink[] {
  const grouped = new Map<string, MapBlockedLink>();
  for (const attempt of attempts) {
    const from = nodes.get(alias(attempt.fromKey));
    const to = nodes.get(alias(attempt.toKey));
    if (!from || !to) continue;
    const id = `${from.key}>${to.key}`;
    const link = grouped.get(id);
    if (link) link.attempts.push(attempt);
    else grouped.set(id, { id, from, to, attempts: [attempt], path: curve(from, to) });
  }
  return [...grouped.values()].sort((a, b) => a.id.localeCompare(b.id));
}

function curve(a: MapNode, b: MapNode): string {
  if (a.key === b.key) {
    const x = a.x + NODE_W;
    const y = a.y + NODE_H / 2;
    return `M${x},${y - 6} C${x + 36},${y - 30} ${x + 36},${y + 30} ${x},${y + 6}`;
  }
  if (b.column > a.column) {
    const x1 = a.x + NODE_W;
    const y1 = a.y + NODE_H / 2;
    const x2 = b.x - 2;
    const y2 = b.y + NODE_H / 2;
    const dx = Math.max(30, (x2 - x1) / 2);
    return `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}`;
  }
  // Same column or backwards (a cycle): leave from the bottom/top and come round.
  const x1 = a.x + NODE_W / 2;
  const x2 = b.x + NODE_W / 2;
  const down = b.y > a.y;
  const y1 = down ? a.y + NODE_H : a.y;
  const y2 = down ? b.y - 2 : b.y + NODE_H + 2;
  const bend = (down ? 1 : -1) * Math.max(24, Math.abs(y2 - y1) / 3);
  const side = b.column === a.column ? NODE_W / 2 + 30 : 0;
  return `M${x1},${y1} C${x1 + side},${y1 + bend} ${x2 + side},${y2 - bend} ${x2},${y2}`;
}
