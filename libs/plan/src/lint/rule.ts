// The shape of a lint rule: an id, the severity its findings carry unless they say otherwise, whether
// it is about the cluster or the policies, and a check that reads the lint context and returns findings.
import type {
  InventoryPod,
  LabelSelector,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  PlainEvaluator,
  ValidationIssue,
} from '@bulkhead/netpol';
import type { LintFinding, Severity } from '../types';
import type { ClusterPolicyRuleUnderLint, ClusterPolicyUnderLint } from './cluster-policies';
import type { ClusterView } from './cluster-view';
import type { DnsReachability } from './dns-reachability';
import type { RuleCoverage } from './rule-coverage';
import type { LintContext } from './lint-context';

/** A policy that passed validation, with what the rules ask of it. */
export interface PolicyUnderLint {
  policy: NetworkPolicy;
  /** `ns/name`. */
  name: string;
  /** `NetworkPolicy ns/name`: what its findings are about. */
  object: string;
  namespace: string;
  podSelector: LabelSelector;
  selectedPods: InventoryPod[];
  /** Generated for an ingress controller's public entry point (label bulkhead.io/purpose: public-entry). */
  isPublicEntry: boolean;
  /** Its pod selector picks the cluster DNS pods. */
  selectsDns: boolean;
}

export type Direction = 'ingress' | 'egress';

/** One ingress or egress rule of a valid policy, in a direction the policy isolates. */
export interface PolicyRuleUnderLint {
  owner: PolicyUnderLint;
  direction: Direction;
  index: number;
  /** `spec.ingress[0]`. */
  field: string;
  /** Undefined when the rule names no peer: it admits every peer. */
  peers: NetworkPolicyPeer[] | undefined;
  /** Undefined when the rule names no port: every port. */
  ports: NetworkPolicyPort[] | undefined;
  /** It opens DNS ports only (53, or the names dns and dns-tcp). */
  opensDnsOnly: boolean;
}

/** What every rule can read: the policies under lint, the cluster they would run in, shared analyses. */
export interface LintRuleContext {
  policies: readonly NetworkPolicy[];
  options: LintContext;
  dnsNamespace: string;
  dnsLabels: Record<string, string>;
  cluster: ClusterView;
  invalidPolicies: { object: string; issues: ValidationIssue[] }[];
  validPolicies: PolicyUnderLint[];
  policyRules: PolicyRuleUnderLint[];
  /** The inventory's cluster-scoped policies (ClusterNetworkPolicy, ANP, BANP), with the pods their subjects select. */
  clusterPolicies: ClusterPolicyUnderLint[];
  clusterPolicyRules: ClusterPolicyRuleUnderLint[];
  /** False when the CNI is known not to implement cluster policies: then they decide nothing, and only that is worth saying. */
  clusterPoliciesEnforced: boolean;
  /** The pods some policy under lint selects for the direction (so NetworkPolicy decides their traffic); computed once each. */
  isolatedPods(direction: Direction): ReadonlySet<InventoryPod>;
  /** The plain evaluator over the Admin tier alone (no NetworkPolicy, no Baseline); built once, on first use. */
  adminTier(): PlainEvaluator;
  /** Which pods cannot reach the cluster DNS, by the engine; computed once, on first use. */
  dnsReachability(): DnsReachability;
  /** Rules whose every allow another rule already allows; computed once, on first use. */
  ruleCoverage(): RuleCoverage[];
}

/** Makes a finding of the rule: its id, and its severity unless `severity` is given. */
export type FindingOf = (object: string, message: string, fix: string, severity?: Severity) => LintFinding;

export interface LintRule<Id extends string = string> {
  id: Id;
  severity: Severity;
  /** Cluster rules (CNI, namespace labels) are left out of a second lint pass over the same cluster. */
  scope: 'cluster' | 'policies';
  check(context: LintRuleContext, findingOf: FindingOf): LintFinding[];
}

export const defineLintRule = <Id extends string>(rule: LintRule<Id>): LintRule<Id> => rule;
