// Can every pod still resolve names? Each pod is evaluated against a DNS pod on 53/UDP by the engine:
// a pod of an egress-isolated namespace that cannot send is one finding, a pod that may send but that
// the DNS pods do not accept is another. Without a DNS pod in the inventory, a policy-level check.
import { type Inventory, type InventoryPod, effectivePolicyTypes } from '@bulkhead/netpol';
import { engineFor } from '../engines';
import { compareStrings } from '../selectors';
import type { LintRuleContext, PolicyRuleUnderLint } from './rule';

/** Namespace -> the names of its pods that fail, namespaces sorted. */
export type PodsByNamespace = [namespace: string, pods: string[]][];

export interface DnsReachability {
  /** Pods of egress-isolated namespaces that may not send to the cluster DNS. */
  egressBlocked: PodsByNamespace;
  /** Pods that may send to the cluster DNS, which does not accept them. */
  ingressClosed: PodsByNamespace;
}

export function analyzeDnsReachability(
  inventory: Inventory,
  context: Pick<LintRuleContext, 'policies' | 'validPolicies' | 'policyRules' | 'cluster'>,
  dnsPods: InventoryPod[],
): DnsReachability {
  const valid = context.validPolicies.map((p) => p.policy);
  const egressIsolating = valid.filter((policy) => effectivePolicyTypes(policy.spec).egress);
  const egressBlocked = new Map<string, string[]>();
  const ingressClosed = new Map<string, string[]>();
  if (egressIsolating.length === 0 && dnsPods.length === 0) return { egressBlocked: [], ingressClosed: [] };
  const dnsPod = dnsPods.find((pod) => !pod.synthetic) ?? dnsPods[0];
  if (dnsPod) {
    // The same array as the caller's when every policy is valid, so the engine built for it is reused.
    const engine = engineFor(inventory, { policies: valid.length === context.policies.length ? context.policies : valid });
    const isolatedNamespaces = new Set(egressIsolating.map((policy) => policy.metadata.namespace));
    for (const pod of inventory.pods) {
      const verdict = engine.evaluate({ from: { pod }, to: { pod: dnsPod }, port: 53, protocol: 'UDP' });
      if (isolatedNamespaces.has(pod.namespace) && !verdict.egress.allowed) listOf(egressBlocked, pod.namespace).push(pod.name);
      else if (verdict.egress.allowed && !verdict.ingress.allowed) listOf(ingressClosed, pod.namespace).push(pod.name);
    }
  } else {
    const namespacesOpenToDns = new Set(context.policyRules.filter(opensUdp53).map((rule) => rule.owner.namespace));
    for (const policy of egressIsolating) {
      const namespace = policy.metadata.namespace;
      if (!namespacesOpenToDns.has(namespace))
        egressBlocked.set(
          namespace,
          context.cluster.podsSelectedBy(namespace, policy.spec.podSelector ?? {}).map((pod) => pod.name),
        );
    }
  }
  return { egressBlocked: sortedByNamespace(egressBlocked), ingressClosed: sortedByNamespace(ingressClosed) };
}

/** An egress rule open to 53/UDP: no ports, a port range or number that covers 53, or UDP with no port. */
function opensUdp53(rule: PolicyRuleUnderLint): boolean {
  if (rule.direction !== 'egress') return false;
  if (!rule.ports) return true;
  return rule.ports.some(
    (p) =>
      (p.protocol ?? 'TCP') === 'UDP' &&
      (p.port === undefined || p.port === 53 || (typeof p.port === 'number' && p.port <= 53 && (p.endPort ?? p.port) >= 53)),
  );
}

function listOf(map: Map<string, string[]>, namespace: string): string[] {
  let list = map.get(namespace);
  if (!list) map.set(namespace, (list = []));
  return list;
}

function sortedByNamespace(map: Map<string, string[]>): PodsByNamespace {
  return [...map].sort(([a], [b]) => compareStrings(a, b));
}
