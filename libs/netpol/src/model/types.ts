/**
 * The Kubernetes objects the engine reads, typed as the API server holds them (networking.k8s.io/v1).
 * Optional fields stay optional: "absent" and "empty" mean different things in a NetworkPolicy.
 */

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export type Labels = Record<string, string>;

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface IPBlock {
  cidr: string;
  except?: string[];
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: IPBlock;
}

export interface NetworkPolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

export interface NetworkPolicyIngressRule {
  from?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

export interface NetworkPolicyEgressRule {
  to?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

export interface NetworkPolicySpec {
  podSelector: LabelSelector;
  ingress?: NetworkPolicyIngressRule[];
  egress?: NetworkPolicyEgressRule[];
  policyTypes?: string[];
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Labels;
  [key: string]: unknown;
}

export interface NetworkPolicy {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta & { namespace: string };
  spec: NetworkPolicySpec;
}

export type Direction = 'ingress' | 'egress';

/** `namespace/name`, the way explanations and errors name a policy or a pod. */
export function qualifiedName(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function policyName(policy: NetworkPolicy): string {
  return qualifiedName(policy.metadata.namespace, policy.metadata.name);
}

/** The policy types in force, with the API server's defaulting: Ingress always, Egress only when egress rules exist. */
export function effectivePolicyTypes(spec: NetworkPolicySpec): { ingress: boolean; egress: boolean } {
  if (spec.policyTypes && spec.policyTypes.length > 0) {
    return { ingress: spec.policyTypes.includes('Ingress'), egress: spec.policyTypes.includes('Egress') };
  }
  return { ingress: true, egress: (spec.egress?.length ?? 0) > 0 };
}
