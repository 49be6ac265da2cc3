/**
 * The cluster driver port in memory, for tests of the real loop: each namespace's NetworkPolicies as
 * plain documents, probes answered by an oracle, and every call logged. (libs/cluster's simulated
 * driver keeps its cluster in PostgreSQL, and the rollout library may not import an adapter.)
 */
import type { NetworkPolicy, SnapshotClusterPolicy } from '@bulkhead/netpol';
import type {
  ClusterDriver,
  ClusterPolicyRef,
  ConnectivityProbe,
  ConnectivityResult,
  Discovery,
} from '../application/ports/cluster-driver.port';
import type { PolicyDocument, ProbeObservation } from '../domain/types';
import type { Interleave } from './in-memory-store';

/** How the network answers one probe attempt. */
export type ProbeOracle = (probe: ConnectivityProbe) => ConnectivityResult;

/** A driver's answer to one probe attempt that saw `observed`. */
export const resultOf = (observed: ProbeObservation, detail: string): ConnectivityResult =>
  observed === 'error' ? { connected: false, error: true, detail } : { connected: observed === 'reached', detail };

/** A CNI that enforces the plans of the fixtures: a namespace's own workloads and DNS reach, other namespaces do not. */
export const enforcingCni: ProbeOracle = (probe) => {
  const reached = probe.to.kind !== 'workload' || probe.to.namespace === probe.from.namespace;
  return resultOf(reached ? 'reached' : 'not_reached', reached ? 'connected' : 'timed out');
};

/** The probe id a driver-level probe was made from (`<stepId>.<probeId>.<attempt>`, step ids being `<rollout>.<namespace>`). */
export const probeIdOf = (probe: ConnectivityProbe): string => probe.id.split('.').slice(2, -1).join('.');

/** Scripted observations per probe id, attempt by attempt (the last one repeats); other probes follow `fallback`. */
export function scripted(script: Record<string, ProbeObservation[]>, fallback: ProbeOracle = enforcingCni): ProbeOracle {
  return (probe) => {
    const observations = script[probeIdOf(probe)] ?? [];
    const observed = observations[Math.min(probe.attempt, observations.length) - 1];
    if (!observed) return fallback(probe);
    return resultOf(observed, `scripted ${observed} on attempt ${probe.attempt}`);
  };
}

export type DriverCall = {
  method:
    | 'readPolicies'
    | 'applyPolicies'
    | 'restorePolicies'
    | 'readClusterPolicies'
    | 'applyClusterPolicies'
    | 'deleteClusterPolicies'
    | 'restoreClusterPolicies'
    | 'probe';
  namespace?: string;
};

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value));

export class InMemoryCluster implements ClusterDriver {
  private readonly policies = new Map<string, PolicyDocument[]>();
  /** The cluster-scoped policies, by `kind/name`. */
  private readonly clusterPolicies = new Map<string, SnapshotClusterPolicy>();
  readonly calls: DriverCall[] = [];
  /** Calls that throw, by method, counted down (a flaky API server). */
  readonly failures: Partial<Record<DriverCall['method'], number>> = {};

  constructor(
    readonly original: Record<string, PolicyDocument[]>,
    public oracle: ProbeOracle = enforcingCni,
    private readonly interleave: Interleave = (task) => task,
  ) {
    for (const [namespace, list] of Object.entries(original)) this.policies.set(namespace, copy(list));
  }

  /** The policies the namespace holds now, as stored. */
  policiesOf(namespace: string): PolicyDocument[] {
    return copy(this.policies.get(namespace) ?? []);
  }

  async discover(): Promise<Discovery> {
    return {
      cni: 'calico',
      snapshot: { apiVersion: 'v1', kind: 'List', items: [] },
      clusterPolicyKinds: ['ClusterNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'],
    };
  }

  async readPolicies(namespace: string): Promise<NetworkPolicy[]> {
    await this.call({ method: 'readPolicies', namespace });
    return this.policiesOf(namespace) as unknown as NetworkPolicy[];
  }

  async applyPolicies(namespace: string, policies: NetworkPolicy[], options?: { prune?: boolean }): Promise<void> {
    await this.call({ method: 'applyPolicies', namespace });
    const applied = copy(policies) as unknown as PolicyDocument[];
    const named = new Set(applied.map(nameOf));
    const kept = options?.prune ? [] : (this.policies.get(namespace) ?? []).filter((p) => !named.has(nameOf(p)));
    this.policies.set(namespace, [...kept, ...applied]);
  }

  async deletePolicies(namespace: string, names: string[]): Promise<void> {
    this.policies.set(
      namespace,
      (this.policies.get(namespace) ?? []).filter((p) => !names.includes(nameOf(p))),
    );
  }

  async restorePolicies(namespace: string, snapshot: NetworkPolicy[]): Promise<void> {
    await this.call({ method: 'restorePolicies', namespace });
    this.policies.set(namespace, copy(snapshot) as unknown as PolicyDocument[]);
  }

  /** The cluster-scoped policies the cluster holds now, as stored. */
  clusterPoliciesNow(): SnapshotClusterPolicy[] {
    return copy([...this.clusterPolicies.values()]);
  }

  async readClusterPolicies(): Promise<SnapshotClusterPolicy[]> {
    await this.call({ method: 'readClusterPolicies' });
    return this.clusterPoliciesNow();
  }

  async applyClusterPolicies(policies: SnapshotClusterPolicy[]): Promise<void> {
    await this.call({ method: 'applyClusterPolicies' });
    this.putClusterPolicies(policies);
  }

  async deleteClusterPolicies(policies: ClusterPolicyRef[]): Promise<void> {
    await this.call({ method: 'deleteClusterPolicies' });
    for (const ref of policies) this.clusterPolicies.delete(`${ref.kind}/${ref.name}`);
  }

  async restoreClusterPolicies(snapshot: SnapshotClusterPolicy[]): Promise<void> {
    await this.call({ method: 'restoreClusterPolicies' });
    this.clusterPolicies.clear();
    this.putClusterPolicies(snapshot);
  }

  /** Puts policies in place as they are, without a call: the cluster's state before a test, or a call's effect. */
  putClusterPolicies(policies: readonly SnapshotClusterPolicy[]): void {
    for (const policy of copy(policies)) this.clusterPolicies.set(refKey(policy), policy);
  }

  async probe(probes: readonly ConnectivityProbe[]): Promise<ConnectivityResult[]> {
    await this.call({ method: 'probe', namespace: probes[0]?.from.namespace });
    return probes.map((probe) => this.oracle(probe));
  }

  async cleanupProbePods(): Promise<string[]> {
    return [];
  }

  /** Logs a call, lets concurrent work go first when the test says so, and fails it when a failure is due. */
  private async call(call: DriverCall): Promise<void> {
    await this.interleave(Promise.resolve());
    this.calls.push(call);
    const failures = this.failures[call.method] ?? 0;
    if (failures > 0) {
      this.failures[call.method] = failures - 1;
      throw new Error(`${call.method} ${call.namespace ?? ''}: the API server answered 503`);
    }
  }
}

function nameOf(policy: PolicyDocument): string {
  return String((policy.metadata as { name?: unknown } | undefined)?.name);
}

const refKey = (policy: SnapshotClusterPolicy) => `${policy.kind}/${policy.metadata.name}`;
