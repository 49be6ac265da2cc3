import type { KeysetPage, NamespaceCoverageView, PageRequest, PlanNamespaceCoverage, Tier } from '@bulkhead/contracts';
import type { ClusterStore } from '../clusters/cluster-store.port';
import { requireCluster } from '../clusters/clusters';
import {
  type EdgeActivity,
  latestUnbrokenSpan,
  type Observation,
  observedDays,
  observedSpans,
  periodicityOf,
  workloadWarning,
} from './observation-coverage';

export interface NamespacePosition {
  namespace: string;
}

/** What coverage reads of a cluster. */
export interface CoverageStore {
  /**
   * What the cluster's live sources and imports saw: a live source from its first flow to its newest
   * (to `now` while it is connected) less its recorded gaps; an import over the times of its flows.
   */
  observations(clusterId: string, now: Date): Promise<Observation[]>;
  namespaces(clusterId: string, page: PageRequest<NamespacePosition>): Promise<KeysetPage<{ name: string; tier: Tier | null }, NamespacePosition>>;
  workloads(clusterId: string, namespaces: readonly string[]): Promise<Array<{ namespace: string; name: string; kind: string }>>;
  /** The edges with an end among `endpointKeys`, with the hours they were active in (live sources). */
  edgesTouching(clusterId: string, endpointKeys: readonly string[]): Promise<EdgeActivity[]>;
}

export interface CoverageDeps {
  clusters: ClusterStore;
  coverage: CoverageStore;
}

const workloadKey = (namespace: string, name: string) => `workload:${namespace}/${name}`;
const iso = (date: Date | null) => date?.toISOString() ?? null;

/**
 * Each namespace of a page, with how long the cluster has been observed without a gap, and each of its
 * workloads with its edges (last active, periodic or not) and, when under-observed, why.
 */
export async function observationCoverage(
  deps: CoverageDeps,
  clusterId: string,
  minObservedDays: number,
  page: PageRequest<NamespacePosition>,
  now: Date,
): Promise<KeysetPage<NamespaceCoverageView, NamespacePosition>> {
  await requireCluster(deps.clusters, clusterId);
  const namespaces = await deps.coverage.namespaces(clusterId, page);
  const span = latestUnbrokenSpan(observedSpans(await deps.coverage.observations(clusterId, now)));
  const workloads = await deps.coverage.workloads(
    clusterId,
    namespaces.items.map((n) => n.name),
  );
  const edges = await deps.coverage.edgesTouching(
    clusterId,
    workloads.map((w) => workloadKey(w.namespace, w.name)),
  );
  const days = observedDays(span);
  const items = namespaces.items.map((namespace): NamespaceCoverageView => {
    const covered = workloads
      .filter((w) => w.namespace === namespace.name)
      .map((workload) => {
        const key = workloadKey(workload.namespace, workload.name);
        const own = edges
          .filter((e) => e.srcKey === key || e.dstKey === key)
          .map((e) => ({
            direction: e.srcKey === key ? ('outgoing' as const) : ('incoming' as const),
            peer: e.srcKey === key ? e.dstKey : e.srcKey,
            port: e.port,
            protocol: e.protocol,
            lastActive: e.lastSeen,
            periodic: periodicityOf(e.activeHours),
          }));
        const lastSeen = own.reduce<Date | null>((latest, e) => (e.lastActive && (!latest || e.lastActive > latest) ? e.lastActive : latest), null);
        const warning = workloadWarning({ kind: workload.kind, lastSeen }, span, minObservedDays);
        return {
          name: workload.name,
          kind: workload.kind,
          lastSeen: iso(lastSeen),
          underObserved: warning !== null,
          warning,
          edges: own.map((e) => ({ ...e, lastActive: iso(e.lastActive) })),
        };
      });
    return {
      namespace: namespace.name,
      tier: namespace.tier,
      observedSince: iso(span?.from ?? null),
      observedUntil: iso(span?.to ?? null),
      observedDays: Math.round(days * 100) / 100,
      underObserved: days < minObservedDays,
      workloads: covered,
    };
  });
  return { items, next: namespaces.next };
}

/** Namespaces of coverage read at once when a plan or a rollout takes several namespaces' figures (the route's largest page). */
const PLAN_COVERAGE_PAGE = 200;

/**
 * The coverage of `namespaces` as a plan keeps it and a rollout's gate reads it: what the coverage route
 * answers, page after page, cut down to the span observed and the under-observed workloads (the edges
 * stay with the route).
 */
export async function coverageOfNamespaces(
  deps: CoverageDeps,
  clusterId: string,
  namespaces: ReadonlySet<string>,
  minObservedDays: number,
  now: Date,
): Promise<PlanNamespaceCoverage[]> {
  const kept: PlanNamespaceCoverage[] = [];
  let after: NamespacePosition | undefined;
  do {
    const page = await observationCoverage(deps, clusterId, minObservedDays, { after, limit: PLAN_COVERAGE_PAGE }, now);
    for (const { workloads, ...namespace } of page.items) {
      if (!namespaces.has(namespace.namespace)) continue;
      const underObservedWorkloads = workloads
        .filter((workload) => workload.underObserved)
        .map(({ edges: _edges, underObserved: _underObserved, ...workload }) => workload);
      kept.push({ ...namespace, minObservedDays, underObservedWorkloads });
    }
    after = page.next ?? undefined;
  } while (after);
  return kept;
}

/**
 * Per namespace, its latest span observed without a gap at `now` (null: never observed, or no such
 * namespace): the figure a rollout's observation gate is given.
 */
export async function observedSpansOf(
  deps: CoverageDeps,
  clusterId: string,
  namespaces: readonly string[],
  now: Date,
): Promise<Record<string, { since: string; until: string } | null>> {
  const coverage = await coverageOfNamespaces(deps, clusterId, new Set(namespaces), 0, now);
  const spans = new Map(
    coverage.map(({ namespace, observedSince, observedUntil }) => [
      namespace,
      observedSince && observedUntil ? { since: observedSince, until: observedUntil } : null,
    ]),
  );
  return Object.fromEntries(namespaces.map((namespace) => [namespace, spans.get(namespace) ?? null]));
}
