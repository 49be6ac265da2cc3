// Stage 7, observation: how much of each namespace and workload the edges show (edges, connections,
// time span), and the workloads whose evidence is too thin to enforce on (jobs, never seen, seen once,
// seen for too short a time).
import type { Inventory, InventoryWorkload } from '@bulkhead/netpol';
import { hoursBetween, maxTime, minTime } from '../edges';
import { compareStrings } from '../selectors';
import type { NamespaceObservation, PlanEdge, Risk, Tier } from '../types';

/** The edges that touch a namespace or workload, summed. */
interface Seen {
  edges: number;
  connections: number;
  first: string | null;
  last: string | null;
}

export interface Observation {
  observation: NamespaceObservation[];
  risks: Risk[];
}

export function observeEdges(
  inventory: Inventory,
  edges: readonly { edge: PlanEdge }[],
  tiers: Record<string, Tier | null>,
  minObservationHours: number,
): Observation {
  const { byNamespace, byWorkload } = tally(edges);
  return {
    observation: namespaceObservations(inventory, tiers, byNamespace, byWorkload),
    risks: risksOf(inventory, byWorkload, minObservationHours),
  };
}

const nothingSeen = (): Seen => ({ edges: 0, connections: 0, first: null, last: null });

function tally(edges: readonly { edge: PlanEdge }[]): { byNamespace: Map<string, Seen>; byWorkload: Map<string, Seen> } {
  const byNamespace = new Map<string, Seen>();
  const byWorkload = new Map<string, Seen>();
  const add = (seenBy: Map<string, Seen>, key: string, edge: PlanEdge) => {
    let seen = seenBy.get(key);
    if (!seen) seenBy.set(key, (seen = nothingSeen()));
    seen.edges++;
    seen.connections += edge.connections;
    seen.first = minTime(seen.first, edge.firstSeen);
    seen.last = maxTime(seen.last, edge.lastSeen);
  };
  for (const { edge } of edges) {
    const workloads = new Set<string>();
    for (const end of [edge.src, edge.dst]) {
      if (!end.startsWith('workload:')) continue;
      const workload = end.slice('workload:'.length);
      if (workloads.has(workload)) continue;
      workloads.add(workload);
      add(byWorkload, workload, edge);
    }
    for (const namespace of new Set([...workloads].map((w) => w.split('/')[0]!))) add(byNamespace, namespace, edge);
  }
  return { byNamespace, byWorkload };
}

function namespaceObservations(
  inventory: Inventory,
  tiers: Record<string, Tier | null>,
  byNamespace: Map<string, Seen>,
  byWorkload: Map<string, Seen>,
): NamespaceObservation[] {
  const namespaces = [...new Set([...inventory.namespaces.map((ns) => ns.name), ...inventory.workloads.map((w) => w.namespace)])].sort(
    compareStrings,
  );
  const workloadsByNamespace = new Map<string, InventoryWorkload[]>();
  for (const workload of inventory.workloads) {
    let workloads = workloadsByNamespace.get(workload.namespace);
    if (!workloads) workloadsByNamespace.set(workload.namespace, (workloads = []));
    workloads.push(workload);
  }
  return namespaces.map((namespace) => {
    const seen = byNamespace.get(namespace) ?? nothingSeen();
    const workloads = workloadsByNamespace.get(namespace) ?? [];
    return {
      namespace,
      tier: tiers[namespace] ?? null,
      edges: seen.edges,
      connections: seen.connections,
      firstSeen: seen.first,
      lastSeen: seen.last,
      spanHours: hoursBetween(seen.first, seen.last),
      workloads: workloads.length,
      unobservedWorkloads: workloads
        .filter((w) => !byWorkload.has(`${w.namespace}/${w.name}`))
        .map((w) => w.name)
        .sort(compareStrings),
    };
  });
}

function risksOf(inventory: Inventory, byWorkload: Map<string, Seen>, minObservationHours: number): Risk[] {
  const risks: Risk[] = [];
  const done = new Set<string>();
  for (const workload of [...inventory.workloads].sort(
    (a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name),
  )) {
    const key = `${workload.namespace}/${workload.name}`;
    if (done.has(key)) continue;
    done.add(key);
    const risk = riskOf(workload, key, byWorkload.get(key), minObservationHours);
    if (risk) risks.push(risk);
  }
  return risks;
}

function riskOf(workload: InventoryWorkload, key: string, seen: Seen | undefined, minObservationHours: number): Risk | undefined {
  if (workload.kind === 'CronJob' || workload.kind === 'Job') {
    return {
      kind: 'job',
      workload: key,
      message: `${workload.kind} ${key} runs on a schedule: ${seen ? `its ${seen.edges} edge(s) come from ${seen.connections} connection(s) between ${seen.first} and ${seen.last}` : 'no flow of it was seen'}; runs outside the window may need more`,
    };
  }
  if (!seen) {
    return {
      kind: 'never-observed',
      workload: key,
      message: `${key} (${workload.kind}, ${workload.podCount} pod${workload.podCount === 1 ? '' : 's'}${workload.fromTemplate ? ', none running' : ''}) appears in no flow: it gets DNS only`,
    };
  }
  if (seen.connections <= 1) {
    return {
      kind: 'seen-once',
      workload: key,
      message: `${key} was seen in a single connection (${seen.first ?? 'no time'}): its dependencies are probably incomplete`,
    };
  }
  const hours = hoursBetween(seen.first, seen.last);
  if (hours < minObservationHours) {
    return {
      kind: 'short-window',
      workload: key,
      message: `${key} was only observed for ${hours} h (${seen.first} .. ${seen.last}), under ${minObservationHours} h`,
    };
  }
  return undefined;
}
