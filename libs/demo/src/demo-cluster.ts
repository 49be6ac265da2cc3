// The demo cluster that `npm start` seeds: a flat network, its snapshot, a week of Hubble flows,
// and what those flows missed. Same options, same bytes.

import { buildClusterModel } from './cluster-model';
import { renderHubbleFlows } from './hubble-flows';
import { Random } from './random';
import { renderSnapshot } from './snapshot';
import { DAY_MS, demoTopology, type NamedDependency, WINDOW_MS } from './topology';

export type DemoDependency = NamedDependency;

export interface DemoClusterOptions {
  /** Start of the observation window; the flows cover the 7 days after it, the snapshot is taken at its end. */
  start: Date;
  /** Seeds every generated name, IP, port and time. Default 20221111. */
  seed?: number;
}

export interface DemoCluster {
  name: string;
  /** Cilium enforces NetworkPolicy and its Hubble exporter wrote the flows. */
  cni: 'cilium';
  /**
   * What `kubectl get namespaces,pods,networkpolicies,deployments,replicasets,statefulsets,daemonsets,cronjobs,jobs -A -o json`
   * prints: namespaces, then pods, then policies and so on, each kind sorted by namespace and name.
   */
  snapshot: { apiVersion: 'v1'; kind: 'List'; items: object[]; metadata: { resourceVersion: string } };
  /** Hubble exporter lines (`{"flow":{...},"node_name":..,"time":..}`), in time order. */
  hubbleFlows: string[];
  /** Real traffic that is NOT in `hubbleFlows`: a plan built from the flows alone breaks it. */
  hiddenDependencies: DemoDependency[];
  /** The lateral movement the story is about: a dev pod reaching the prod database. It is in `hubbleFlows`. */
  incident: DemoDependency;
  /** The observation window, RFC 3339. */
  window: { start: string; end: string };
}

export const DEFAULT_DEMO_SEED = 20221111;

/** The week the demo seeded at `seededAt` shows: the 7 days before that day began (UTC). */
export function demoWindowStart(seededAt: Date): Date {
  return new Date(Math.floor(seededAt.getTime() / DAY_MS) * DAY_MS - WINDOW_MS);
}

export function demoCluster(options: DemoClusterOptions): DemoCluster {
  const startMs = options.start instanceof Date ? options.start.getTime() : Number.NaN;
  if (!Number.isFinite(startMs)) throw new Error('demoCluster: options.start must be a valid Date');
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  if (!Number.isInteger(seed)) throw new Error('demoCluster: options.seed must be an integer');

  const rng = new Random(seed);
  const topology = demoTopology(startMs);
  const model = buildClusterModel(topology, startMs, rng.fork('cluster'));
  const objects = rng.fork('objects');
  const policies = topology.policies.map((policy) => ({ policy, uid: objects.uuid() }));
  const snapshot = renderSnapshot(model, policies, objects.int(180_000, 260_000));

  return {
    name: model.name,
    cni: 'cilium',
    snapshot,
    hubbleFlows: renderHubbleFlows(model, rng.fork('flows')),
    hiddenDependencies: topology.hidden.map((d) => ({ ...d })),
    incident: { ...topology.incident },
    window: { start: new Date(startMs).toISOString(), end: new Date(startMs + WINDOW_MS).toISOString() },
  };
}
