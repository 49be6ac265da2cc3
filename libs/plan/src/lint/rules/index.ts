// The lint rules, one per file. A new rule is a file here and a line in this list.
import { adminRuleMakesPolicyDead } from './admin-rule-makes-policy-dead';
import { baselineAllowShadowsPlan } from './baseline-allow-shadows-plan';
import { clusterPolicyPriorityOverlap } from './cluster-policy-priority-overlap';
import { cniEnforcementUnknown } from './cni-enforcement-unknown';
import { cniIgnoresClusterPolicies } from './cni-ignores-cluster-policies';
import { cniNotEnforcing } from './cni-not-enforcing';
import { defaultDenyEgressWithoutDns } from './default-deny-egress-without-dns';
import { dnsServerIngressClosed } from './dns-server-ingress-closed';
import { domainNamesUnsupported } from './domain-names-unsupported';
import { duplicateRule } from './duplicate-rule';
import { ingressFromAnywhere } from './ingress-from-anywhere';
import { invalidPolicy } from './invalid-policy';
import { namedPortUnresolved } from './named-port-unresolved';
import { namespaceMissingLabels } from './namespace-missing-labels';
import { namespaceSelectorWithoutPodSelector } from './namespace-selector-without-pod-selector';
import { passWithNothingBelow } from './pass-with-nothing-below';
import { policySelectsNoPod } from './policy-selects-no-pod';
import { selectorMatchesNothing } from './selector-matches-nothing';
import { shadowedRule } from './shadowed-rule';
import { wildcardNamespaceSelector } from './wildcard-namespace-selector';

export const REGISTERED_LINT_RULES = [
  invalidPolicy,
  wildcardNamespaceSelector,
  namespaceSelectorWithoutPodSelector,
  defaultDenyEgressWithoutDns,
  dnsServerIngressClosed,
  cniNotEnforcing,
  cniEnforcementUnknown,
  namespaceMissingLabels,
  policySelectsNoPod,
  selectorMatchesNothing,
  namedPortUnresolved,
  ingressFromAnywhere,
  duplicateRule,
  shadowedRule,
  cniIgnoresClusterPolicies,
  domainNamesUnsupported,
  clusterPolicyPriorityOverlap,
  passWithNothingBelow,
  baselineAllowShadowsPlan,
  adminRuleMakesPolicyDead,
] as const;
