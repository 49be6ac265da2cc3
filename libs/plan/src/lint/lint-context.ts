// The lint context: what a caller tells lint about the cluster, and what the rules read, built once per
// lint (the policies validated and flattened into rules, the selectors resolved against the inventory).
import { cniClusterPolicySupport } from '@bulkhead/contracts';
import {
  type Inventory,
  type InventoryPod,
  type NetworkPolicy,
  type NetworkPolicyPeer,
  compileSelector,
  effectivePolicyTypes,
  isEmptySelector,
  PlainEvaluator,
  validateNetworkPolicy,
} from '@bulkhead/netpol';
import { DEFAULT_DNS_LABELS, DEFAULT_DNS_NAMESPACE, carriesDnsLabels } from '../dns';
import type { Tier } from '../types';
import { clusterPoliciesUnderLint, clusterPolicyRules } from './cluster-policies';
import { viewCluster } from './cluster-view';
import { analyzeDnsReachability } from './dns-reachability';
import { findCoveredRules } from './rule-coverage';
import type { Direction, LintRuleContext, PolicyRuleUnderLint, PolicyUnderLint } from './rule';

export interface LintContext {
  /** The cluster's CNI, for the enforcement check (see cniEnforcesNetworkPolicy). */
  cni?: string;
  /** Tiers given by a person (namespace -> tier or null): those namespaces need no tier label. Not the label-derived ones. */
  tiers?: Record<string, Tier | null>;
  dnsNamespace?: string;
  dnsPodLabels?: Record<string, string>;
  /** Other policies of the cluster (e.g. the existing ones when linting a plan): their namespace selectors count for the namespace-label check. */
  otherPolicies?: readonly NetworkPolicy[];
  /** Leave out the cluster-wide checks (CNI, namespace labels): for a second lint pass over the same cluster. */
  skipClusterChecks?: boolean;
}

const DNS_PORTS: ReadonlySet<number | string> = new Set([53, 'dns', 'dns-tcp']);

export function buildLintRuleContext(inventory: Inventory, policies: readonly NetworkPolicy[], options: LintContext): LintRuleContext {
  const dnsNamespace = options.dnsNamespace ?? DEFAULT_DNS_NAMESPACE;
  const dnsLabels = options.dnsPodLabels ?? DEFAULT_DNS_LABELS;
  const cluster = viewCluster(inventory);
  const selectsDnsPods = compileSelector({ matchLabels: dnsLabels });

  const invalidPolicies: LintRuleContext['invalidPolicies'] = [];
  const validPolicies: PolicyUnderLint[] = [];
  const policyRules: PolicyRuleUnderLint[] = [];
  for (const policy of policies) {
    const name = `${policy.metadata.namespace}/${policy.metadata.name}`;
    const object = `NetworkPolicy ${name}`;
    const issues = validateNetworkPolicy(policy);
    if (issues.length) {
      invalidPolicies.push({ object, issues });
      continue;
    }
    const namespace = policy.metadata.namespace;
    const podSelector = policy.spec.podSelector ?? {};
    const owner: PolicyUnderLint = {
      policy,
      name,
      object,
      namespace,
      podSelector,
      selectedPods: cluster.podsSelectedBy(namespace, podSelector),
      isPublicEntry: policy.metadata.labels?.['bulkhead.io/purpose'] === 'public-entry',
      selectsDns: namespace === dnsNamespace && !isEmptySelector(podSelector) && selectsDnsPods(podSelector.matchLabels ?? {}),
    };
    validPolicies.push(owner);
    const isolates = effectivePolicyTypes(policy.spec);
    for (const direction of ['ingress', 'egress'] as const) {
      if (!isolates[direction]) continue;
      const rules = direction === 'ingress' ? (policy.spec.ingress ?? []) : (policy.spec.egress ?? []);
      rules.forEach((rule, index) => {
        const peers = direction === 'ingress' ? (rule as { from?: NetworkPolicyPeer[] }).from : (rule as { to?: NetworkPolicyPeer[] }).to;
        const ports = rule.ports && rule.ports.length ? rule.ports : undefined;
        policyRules.push({
          owner,
          direction,
          index,
          field: `spec.${direction}[${index}]`,
          peers: peers && peers.length ? peers : undefined,
          ports,
          opensDnsOnly: !!ports && ports.every((port) => port.port !== undefined && DNS_PORTS.has(port.port)),
        });
      });
    }
  }

  const clusterPolicies = clusterPoliciesUnderLint(inventory.clusterPolicies ?? [], cluster);
  const isolatedPods = (direction: Direction) =>
    new Set<InventoryPod>(
      validPolicies.filter((owner) => effectivePolicyTypes(owner.policy.spec)[direction]).flatMap((owner) => owner.selectedPods),
    );

  const context: LintRuleContext = {
    policies,
    options,
    dnsNamespace,
    dnsLabels,
    cluster,
    invalidPolicies,
    validPolicies,
    policyRules,
    clusterPolicies,
    clusterPolicyRules: clusterPolicyRules(clusterPolicies),
    clusterPoliciesEnforced: options.cni === undefined || cniClusterPolicySupport(options.cni)?.implements !== false,
    isolatedPods: perDirection(isolatedPods),
    adminTier: once(
      () =>
        new PlainEvaluator({
          ...inventory,
          policies: [],
          clusterPolicies: (inventory.clusterPolicies ?? []).filter((policy) => policy.spec.tier === 'Admin'),
        }),
    ),
    dnsReachability: once(() =>
      analyzeDnsReachability(
        inventory,
        context,
        (cluster.podsByNamespace.get(dnsNamespace) ?? []).filter((pod) => carriesDnsLabels(pod.labels, dnsLabels)),
      ),
    ),
    ruleCoverage: once(() => findCoveredRules(policyRules, cluster)),
  };
  return context;
}

function once<T>(compute: () => T): () => T {
  let value: { computed: T } | undefined;
  return () => (value ??= { computed: compute() }).computed;
}

function perDirection<T>(compute: (direction: Direction) => T): (direction: Direction) => T {
  const ingress = once(() => compute('ingress'));
  const egress = once(() => compute('egress'));
  return (direction) => (direction === 'ingress' ? ingress() : egress());
}
