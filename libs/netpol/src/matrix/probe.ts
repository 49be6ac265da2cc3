import type { ClusterRuleRef, DnsDependency } from '../model/cluster-policy';
import { type IpAddress, parseIp } from '../model/ip';
import type { Protocol } from '../model/types';
import type { InventoryPod } from '../snapshot/inventory';
import { type Endpoint, type RuleRef, type Traffic, type TrafficVerdict, tieredVerdict } from '../evaluation/types';
import { hasBit } from './bitset';
import type { ClusterIndex } from './cluster-index';
import { type CompiledClusterRule, type CompiledRule, ipKey, peerContainsIp } from './compiled';

export interface ProbeEvaluator {
  evaluate(traffic: Traffic): TrafficVerdict;
  podOf(endpoint: Endpoint): InventoryPod | undefined;
}

/**
 * Single connections over the index: only the policies selecting each side are read, and a peer test is one
 * bit (the other side's class) unless the other side is an external IP.
 */
export function probeEvaluator(index: ClusterIndex): ProbeEvaluator {
  const {
    pods,
    policies,
    clusterPolicies,
    peers,
    peerClasses,
    classOf,
    podIngress,
    podEgress,
    podAdminIngress,
    podAdminEgress,
    podBaselineIngress,
    podBaselineEgress,
    classIngressNames,
    classEgressNames,
    podByIp,
    podIndex,
    podByName,
  } = index;
  const portMatches = (
    rule: CompiledRule | CompiledClusterRule,
    port: number,
    protocol: Protocol,
    destination: InventoryPod | undefined,
  ): boolean => {
    if (rule.ports === null) return true;
    for (const p of rule.ports) {
      if (p.protocol !== protocol) continue;
      if (p.name === undefined) {
        if (port >= p.lo && port <= p.hi) return true;
      } else if (destination) {
        for (const cp of destination.ports) if (cp.name === p.name && cp.protocol === protocol && cp.port === port) return true;
      }
    }
    return false;
  };
  const peerMatches = (rule: CompiledRule | CompiledClusterRule, otherPod: number, otherIp: IpAddress | undefined): boolean => {
    if (rule.peers === null) return true;
    for (const q of rule.peers) {
      if (otherPod >= 0) {
        if (hasBit(peerClasses[q]!, classOf[otherPod]!)) return true;
      } else if (otherIp && peerContainsIp(peers[q]!, otherIp)) {
        return true;
      }
    }
    return false;
  };
  /** One tier's policies for one side, in order: the first rule that matches decides, or passes. */
  const walkTier = (
    selecting: readonly number[],
    direction: 'ingress' | 'egress',
    other: { pod: number; ip?: IpAddress },
    traffic: Traffic,
    destination: InventoryPod | undefined,
    dnsRules: DnsDependency[],
  ): { decided?: ClusterRuleRef; passed?: ClusterRuleRef } => {
    for (const p of selecting) {
      const policy = clusterPolicies[p]!;
      for (const rule of direction === 'ingress' ? policy.ingressRules : policy.egressRules) {
        if (!portMatches(rule, traffic.port, traffic.protocol, destination)) continue;
        if (peerMatches(rule, other.pod, other.ip)) return rule.action === 'Pass' ? { passed: rule.ref } : { decided: rule.ref };
        if (rule.action === 'Accept' && rule.domainNames.length > 0 && other.pod < 0) {
          dnsRules.push({ rule: rule.ref, domainNames: rule.domainNames });
        }
      }
    }
    return {};
  };
  const resolve = (endpoint: Endpoint): { pod: number; ip?: IpAddress } => {
    if ('pod' in endpoint) {
      const i = podIndex.get(endpoint.pod) ?? podByName.get(`${endpoint.pod.namespace}/${endpoint.pod.name}`);
      if (i === undefined) throw new Error(`pod ${endpoint.pod.namespace}/${endpoint.pod.name} is not in the indexed cluster`);
      return { pod: i };
    }
    const ip = parseIp(endpoint.ip);
    const i = ip ? podByIp.get(ipKey(ip)) : undefined;
    return i !== undefined ? { pod: i } : { pod: -1, ...(ip ? { ip } : {}) };
  };
  const evaluateSide = (
    direction: 'ingress' | 'egress',
    self: number,
    other: { pod: number; ip?: IpAddress },
    traffic: Traffic,
    destination: InventoryPod | undefined,
  ) => {
    if (self < 0) return tieredVerdict({ policies: [], isolated: false, allowedBy: [], dnsRules: [] });
    const c = classOf[self]!;
    const selecting = (direction === 'ingress' ? podIngress : podEgress)[self]!;
    const allowedBy: RuleRef[] = [];
    for (const p of selecting) {
      const policy = policies[p]!;
      const rules = direction === 'ingress' ? policy.ingressRules : policy.egressRules;
      for (const rule of rules) {
        if (portMatches(rule, traffic.port, traffic.protocol, destination) && peerMatches(rule, other.pod, other.ip)) {
          allowedBy.push({ policy: policy.name, rule: rule.index });
        }
      }
    }
    const isolated = selecting.length > 0;
    const dnsRules: DnsDependency[] = [];
    const admin = walkTier(
      (direction === 'ingress' ? podAdminIngress : podAdminEgress)[self]!,
      direction,
      other,
      traffic,
      destination,
      dnsRules,
    );
    const baseline =
      admin.decided || isolated
        ? {}
        : walkTier(
            (direction === 'ingress' ? podBaselineIngress : podBaselineEgress)[self]!,
            direction,
            other,
            traffic,
            destination,
            dnsRules,
          );
    const decidedBy = admin.decided ?? baseline.decided;
    const passedBy = admin.passed ?? baseline.passed;
    return tieredVerdict({
      policies: (direction === 'ingress' ? classIngressNames : classEgressNames)[c]!,
      isolated,
      allowedBy,
      ...(decidedBy ? { decidedBy } : {}),
      ...(passedBy ? { passedBy } : {}),
      dnsRules,
    });
  };
  const evaluate = (traffic: Traffic): TrafficVerdict => {
    const from = resolve(traffic.from);
    const to = resolve(traffic.to);
    const destination = to.pod >= 0 ? pods[to.pod] : undefined;
    const egress = evaluateSide('egress', from.pod, to, traffic, destination);
    const ingress = evaluateSide('ingress', to.pod, from, traffic, destination);
    return { allowed: egress.allowed && ingress.allowed, egress, ingress };
  };

  return {
    evaluate,
    podOf: (endpoint) => {
      const { pod } = resolve(endpoint);
      return pod >= 0 ? pods[pod] : undefined;
    },
  };
}
