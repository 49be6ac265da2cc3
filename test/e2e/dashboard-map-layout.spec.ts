import type { BlockedAttemptView, EdgeView, NamespaceView } from '@bulkhead/contracts';
import { fanOutSources, filterBlocked, filterEdges, type MapFilters } from '../../apps/dashboard/src/features/dependency-map/filters';
import { layoutMap } from '../../apps/dashboard/src/features/dependency-map/layout';
import { only } from '../support/only';

/**
 * The dependency map's drawing is computed by a pure function of the edges: no browser needed.
 * (Here rather than beside the code because Jest does not look into apps/dashboard yet.)
 */
let n = 0;
const key = (e: string) => (/^\d/.test(e) ? `external:${e}` : e.includes(':') ? e : `workload:${e}`);
function edge(from: string, to: string, port: number, extra: Partial<EdgeView> = {}): EdgeView {
  return {
    id: `e${++n}`,
    from,
    to,
    fromKey: key(from),
    toKey: key(to),
    port,
    protocol: 'TCP',
    origin: 'observed',
    review: 'unreviewed',
    crossTier: false,
    connections: 1,
    firstSeen: null,
    lastSeen: null,
    verdicts: [],
    addresses: [],
    sources: [],
    createdBy: null,
    reviewedBy: null,
    reviewComment: null,
    ...extra,
  };
}

function refused(from: string, to: string, port: number, reasons = ['POLICY_DENIED']): BlockedAttemptView {
  return {
    id: `b${++n}`,
    kind: 'blocked',
    from,
    to,
    fromKey: key(from),
    toKey: key(to),
    port,
    protocol: 'TCP',
    attempts: 3,
    firstSeen: null,
    lastSeen: null,
    reasons,
    lastSource: null,
  };
}

const ns = (name: string, tier: NamespaceView['tier']): NamespaceView => ({
  name,
  labels: {},
  tier,
  tierSource: tier ? 'label' : 'none',
  protection: 'unprotected',
  counts: { workloads: 1, pods: 1, policies: 0 },
});
const namespaces = [ns('web-prod', 'prod'), ns('api-prod', 'prod'), ns('db-prod', 'prod'), ns('debug-dev', 'dev'), ns('mon', null)];

const edges = [
  edge('203.0.113.1/32', 'web-prod/web', 443),
  edge('203.0.113.2/32', 'web-prod/web', 443),
  edge('web-prod/web', 'api-prod/api', 8080),
  edge('api-prod/api', 'db-prod/pg', 5432),
  edge('api-prod/api', 'db-prod/pg', 5433),
  edge('debug-dev/debug', 'db-prod/pg', 5432, { crossTier: true }),
  edge('db-prod/pg', 'web-prod/web', 80), // a cycle
];

describe('the dependency map layout', () => {
  const layout = layoutMap({ edges, workloads: [], namespaces, includeIdle: false });
  const node = (key: string) => layout.nodes.find((x) => x.key === key)!;

  it('reads left to right: each callee sits in a column right of its callers, cycles broken', () => {
    expect(node('workload:web-prod/web').column).toBeLessThan(node('workload:api-prod/api').column);
    expect(node('workload:api-prod/api').column).toBeLessThan(node('workload:db-prod/pg').column);
  });

  it('puts each endpoint in the lane of its tier, so a dev-to-prod line crosses lanes', () => {
    expect(node('workload:debug-dev/debug').lane).toBe('dev');
    expect(node('workload:db-prod/pg').lane).toBe('prod');
    expect(layout.lanes.map((l) => l.key)).toEqual(['outside', 'dev', 'prod']);
    expect(layout.links.find((l) => l.from.key === 'workload:debug-dev/debug')!.style).toBe('cross-tier');
  });

  it('draws the several ports between two endpoints as one line, and cross-tier lines last (on top)', () => {
    expect(layout.links.find((l) => l.id === 'workload:api-prod/api>workload:db-prod/pg')!.edges.map((e) => e.port)).toEqual([5432, 5433]);
    expect(layout.links.at(-1)?.style).toBe('cross-tier');
  });

  it('draws external addresses with the same peers as one node', () => {
    const outside = only(layout.nodes.filter((x) => x.lane === 'outside'));
    expect(outside.members).toEqual(['external:203.0.113.1/32', 'external:203.0.113.2/32']);
    expect(outside.label).toBe('203.0.113.1/32 +1');
  });

  it('gives the same picture for the same edges in any order', () => {
    const again = layoutMap({ edges: [...edges].reverse(), workloads: [], namespaces, includeIdle: false });
    const place = (l: typeof layout) => l.nodes.map((x) => `${x.key}@${x.x},${x.y}`).sort();
    expect(place(again)).toEqual(place(layout));
  });

  it('stops drawing a rejected edge as an incident', () => {
    const rejected = layoutMap({
      edges: edges.map((e) => (e.crossTier ? { ...e, review: 'rejected' as const } : e)),
      workloads: [],
      namespaces,
      includeIdle: false,
    });
    expect(rejected.links.find((l) => l.from.key === 'workload:debug-dev/debug')!.style).toBe('rejected');
  });

  it('draws blocked attempts as lines of their own, never as allowed edges, and places their ends caller to callee', () => {
    const blocked = [
      refused('web-prod/web', 'db-prod/pg', 5432),
      refused('web-prod/web', 'db-prod/pg', 6432),
      refused('mon/probe', 'mon/target', 9),
    ];
    const drawn = layoutMap({ edges, blocked, workloads: [], namespaces, includeIdle: false });
    expect(drawn.blockedLinks.map((l) => [l.id, l.attempts.map((b) => b.port)])).toEqual([
      ['workload:mon/probe>workload:mon/target', [9]],
      ['workload:web-prod/web>workload:db-prod/pg', [5432, 6432]],
    ]);
    expect(drawn.links.map((l) => l.id)).toEqual(layout.links.map((l) => l.id));
    const at = (key: string) => drawn.nodes.find((x) => x.key === key)!;
    expect(at('workload:mon/probe')).toMatchObject({ lane: 'none', column: 0 });
    expect(at('workload:mon/target')).toMatchObject({ lane: 'none', column: 1 });
  });
});

describe('the dependency map filters', () => {
  const base = {
    namespace: '',
    search: '',
    crossTierOnly: false,
    review: 'all' as const,
    showHealthChecks: false,
    showDns: false,
    showFanOut: false,
    showBlocked: true,
    focus: null,
  };

  it('keeps the edges touching a namespace, on either end', () => {
    expect(filterEdges(edges, { ...base, namespace: 'db-prod' }).map((e) => e.from)).toEqual([
      'api-prod/api',
      'api-prod/api',
      'debug-dev/debug',
      'db-prod/pg',
    ]);
  });

  it('searches ends and ports, and narrows to cross-tier edges', () => {
    expect(filterEdges(edges, { ...base, search: '5433' })).toHaveLength(1);
    expect(filterEdges(edges, { ...base, crossTierOnly: true }).map((e) => e.from)).toEqual(['debug-dev/debug']);
  });

  it('finds the sources that reach nearly everything (scrapers), not counting DNS', () => {
    const scrapes = Array.from({ length: 12 }, (_, i) => edge('mon/prometheus', `api-prod/svc-${i}`, 9090));
    const dns = Array.from({ length: 12 }, (_, i) => edge(`api-prod/svc-${i}`, 'kube-system/coredns', 53));
    expect([...fanOutSources([...edges, ...scrapes, ...dns])]).toEqual(['workload:mon/prometheus']);
  });

  it('narrows blocked attempts by namespace, search (a reason too) and focus, and shows none under a review or cross-tier filter', () => {
    const blocked = [refused('web-prod/web', 'db-prod/pg', 5432), refused('mon/probe', 'api-prod/api', 9, ['UNSUPPORTED_L3_PROTOCOL'])];
    const ports = (f: Partial<MapFilters>) => filterBlocked(blocked, { ...base, ...f }).map((b) => b.port);
    expect(ports({ namespace: 'db-prod' })).toEqual([5432]);
    expect(ports({ search: 'unsupported' })).toEqual([9]);
    expect(ports({ focus: 'workload:api-prod/api' })).toEqual([9]);
    expect(ports({ review: 'confirmed' })).toEqual([]);
    expect(ports({ crossTierOnly: true })).toEqual([]);
  });
});
