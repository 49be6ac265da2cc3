import type { SnapshotClusterPolicy } from '@bulkhead/netpol';
import type { ClusterPolicyKind } from '@bulkhead/rollout';
import { canonical, SERVER_MANAGED_METADATA } from './policies';

/** Where the API server serves a cluster-scoped policy kind of network-policy-api (group policy.networking.k8s.io). */
export interface ClusterPolicyResource {
  kind: ClusterPolicyKind;
  apiVersion: string;
  /** The plural resource name, as discovery lists it. */
  resource: string;
}

/** The kinds Bulkhead reads and writes, with the versions the engine models (live-flow-apis.md section 5). */
export const CLUSTER_POLICY_RESOURCES: readonly ClusterPolicyResource[] = [
  { kind: 'AdminNetworkPolicy', apiVersion: 'policy.networking.k8s.io/v1alpha1', resource: 'adminnetworkpolicies' },
  { kind: 'BaselineAdminNetworkPolicy', apiVersion: 'policy.networking.k8s.io/v1alpha1', resource: 'baselineadminnetworkpolicies' },
  { kind: 'ClusterNetworkPolicy', apiVersion: 'policy.networking.k8s.io/v1alpha2', resource: 'clusternetworkpolicies' },
];

/** The collection path of a cluster-scoped policy kind. */
export const clusterPolicyPath = (resource: ClusterPolicyResource) => `/apis/${resource.apiVersion}/${resource.resource}`;

/** The group versions whose discovery documents tell which of the kinds are served. */
export const CLUSTER_POLICY_GROUP_VERSIONS = [...new Set(CLUSTER_POLICY_RESOURCES.map((r) => r.apiVersion))];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A cluster-scoped policy as the API server returned it, made re-appliable: server-managed metadata and status
 * dropped, its kind's apiVersion set, keys sorted. Two reads of an unchanged policy give the same bytes.
 */
export function cleanClusterPolicy(object: unknown, resource: ClusterPolicyResource): SnapshotClusterPolicy {
  const item = isObject(object) ? object : {};
  const meta = isObject(item.metadata) ? item.metadata : {};
  const metadata = Object.fromEntries(Object.entries(meta).filter(([k]) => !SERVER_MANAGED_METADATA.includes(k)));
  const name = typeof meta.name === 'string' ? meta.name : '';
  return canonical({ apiVersion: resource.apiVersion, kind: resource.kind, metadata: { ...metadata, name }, spec: item.spec ?? {} });
}
