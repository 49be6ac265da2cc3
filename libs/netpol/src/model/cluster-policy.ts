/**
 * Cluster-scoped policies, typed as ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2) holds them. The
 * v1alpha1 AdminNetworkPolicy and BaselineAdminNetworkPolicy are read into this same shape (snapshot/cluster-policy.ts)
 * and keep their own kind, so that explanations name the object the cluster really holds.
 */
import type { LabelSelector, Labels } from './types';

export type ClusterPolicyTier = 'Admin' | 'Baseline';
export type ClusterPolicyAction = 'Accept' | 'Deny' | 'Pass';
export type ClusterPolicyKind = 'ClusterNetworkPolicy' | 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy';

export const CLUSTER_POLICY_GROUP = 'policy.networking.k8s.io';

/** Pods in the namespaces the first selector picks (empty: every namespace) that the second picks (empty: every pod). */
export interface NamespacedPods {
  namespaceSelector?: LabelSelector;
  podSelector: LabelSelector;
}

/** Exactly one of the two: every pod of the selected namespaces, or the selected pods of the selected namespaces. */
export interface ClusterPolicySubject {
  namespaces?: LabelSelector;
  pods?: NamespacedPods;
}

/** Exactly one key. Ingress rules use only `namespaces` and `pods`. */
export interface ClusterPolicyPeer {
  namespaces?: LabelSelector;
  pods?: NamespacedPods;
  /** CIDRs; they match by address, pod addresses included. */
  networks?: string[];
  /** Experimental: the addresses (status.addresses) of the selected nodes. */
  nodes?: LabelSelector;
  /** Experimental, egress Accept rules only: names resolved by the cluster's DNS, `*.` as a prefix wildcard. */
  domainNames?: string[];
}

export interface ClusterPolicyPort {
  number?: number;
  range?: { start: number; end: number };
}

/** Exactly one key: a protocol (with an optional destination port or range), or a named port of the destination pod. */
export interface ClusterPolicyProtocol {
  tcp?: { destinationPort?: ClusterPolicyPort };
  udp?: { destinationPort?: ClusterPolicyPort };
  sctp?: { destinationPort?: ClusterPolicyPort };
  destinationNamedPort?: string;
}

export interface ClusterPolicyIngressRule {
  name?: string;
  action: ClusterPolicyAction;
  from: ClusterPolicyPeer[];
  protocols?: ClusterPolicyProtocol[];
}

export interface ClusterPolicyEgressRule {
  name?: string;
  action: ClusterPolicyAction;
  to: ClusterPolicyPeer[];
  protocols?: ClusterPolicyProtocol[];
}

export interface ClusterNetworkPolicySpec {
  tier: ClusterPolicyTier;
  priority: number;
  subject: ClusterPolicySubject;
  ingress?: ClusterPolicyIngressRule[];
  egress?: ClusterPolicyEgressRule[];
}

export interface ClusterNetworkPolicy {
  apiVersion: string;
  kind: ClusterPolicyKind;
  metadata: { name: string; labels?: Labels; [key: string]: unknown };
  spec: ClusterNetworkPolicySpec;
}

/** The cluster-scoped rule that decided (or passed on) one side of a connection. */
export interface ClusterRuleRef {
  kind: ClusterPolicyKind;
  name: string;
  tier: ClusterPolicyTier;
  /** Absent for a BaselineAdminNetworkPolicy, which has none. */
  priority?: number;
  /** The rule's name, when it has one. */
  rule?: string;
  /** Index in `spec.ingress` or `spec.egress`. */
  ruleIndex: number;
  action: ClusterPolicyAction;
}

/** An egress Accept rule with `domainNames` that was reached: it would accept the connection if the IP is an answer for a name. */
export interface DnsDependency {
  rule: ClusterRuleRef;
  domainNames: readonly string[];
}

/** The order of evaluation inside a tier: priority, then name (equal priorities are ambiguous upstream; the name makes us deterministic). */
export function compareClusterPolicies(a: ClusterNetworkPolicy, b: ClusterNetworkPolicy): number {
  return a.spec.priority - b.spec.priority || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);
}

export function clusterRuleRef(policy: ClusterNetworkPolicy, direction: 'ingress' | 'egress', index: number): ClusterRuleRef {
  const rule = policy.spec[direction]?.[index];
  if (!rule) throw new Error(`${policy.kind} ${policy.metadata.name} has no ${direction} rule ${index}`);
  return {
    kind: policy.kind,
    name: policy.metadata.name,
    tier: policy.spec.tier,
    ...(policy.kind === 'BaselineAdminNetworkPolicy' ? {} : { priority: policy.spec.priority }),
    ...(rule.name ? { rule: rule.name } : {}),
    ruleIndex: index,
    action: rule.action,
  };
}

/** `ClusterNetworkPolicy tier-isolation (Admin, priority 10), egress rule 'no-dev-to-prod'` */
export function describeClusterRule(ref: ClusterRuleRef, direction: 'ingress' | 'egress'): string {
  const where = ref.priority === undefined ? ref.tier : `${ref.tier}, priority ${ref.priority}`;
  const rule = ref.rule ? `'${ref.rule}'` : String(ref.ruleIndex);
  return `${ref.kind} ${ref.name} (${where}), ${direction} rule ${rule}`;
}
