// The lint rules, one per file. A new rule is a file here and a line in this list.
import { cniEnforcementUnknown } from './cni-enforcement-unknown';
import { cniNotEnforcing } from './cni-not-enforcing';
import { defaultDenyEgressWithoutDns } from './default-deny-egress-without-dns';
import { dnsServerIngressClosed } from './dns-server-ingress-closed';
import { duplicateRule } from './duplicate-rule';
import { ingressFromAnywhere } from './ingress-from-anywhere';
import { invalidPolicy } from './invalid-policy';
import { namedPortUnresolved } from './named-port-unresolved';
import { namespaceMissingLabels } from './namespace-missing-labels';
import { namespaceSelectorWithoutPodSelector } from './namespace-selector-without-pod-selector';
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
] as const;
