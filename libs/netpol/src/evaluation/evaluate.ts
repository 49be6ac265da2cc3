import { compileIpBlock, ipBlockContains, parseIp } from '../model/ip';
import type {
  LabelSelector,
  Labels,
  NetworkPolicy,
  NetworkPolicyEgressRule,
  NetworkPolicyIngressRule,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  Protocol,
} from '../model/types';
import { effectivePolicyTypes, policyName } from '../model/types';
import type { InventoryPod } from '../snapshot/inventory';
import { PlainClusterTiers, type TierWalk } from './cluster-tiers';
import { type Cluster, type Endpoint, type RuleRef, type Traffic, type TrafficVerdict, ownsItsIps, tieredVerdict } from './types';

/**
 * The plain evaluator: for one connection, reads every policy and tests every selector, peer and port
 * literally. It indexes nothing beyond a namespace-labels map, which makes it slow but easy to trust;
 * it is the reference the fast engine is checked against.
 *
 * Semantics (networking.k8s.io/v1):
 * - A pod is isolated for a direction when at least one policy of its namespace selects it and has that
 *   policy type (policyTypes defaulting: Ingress always, Egress when egress rules exist).
 * - An isolated side allows what the union of the selecting policies' rules allows; a rule allows when one of
 *   its peers matches (no `from`/`to`, or an empty list, matches everyone) and one of its ports matches (no
 *   `ports` matches every port and protocol).
 * - A peer with podSelector and namespaceSelector needs both; podSelector alone means the policy's namespace;
 *   an ipBlock matches by IP address, pod IPs included (as the upstream e2e tests expect).
 * - A named port resolves on the destination pod, for the traffic's protocol, in egress rules too.
 * - A connection is allowed when the source's egress AND the destination's ingress allow it; an IP outside
 *   every pod has no policies of its own. A pod talking to itself follows the same rules.
 * - Cluster-scoped policies (policy.networking.k8s.io) wrap this per side: the Admin tier first (by priority, then
 *   rule order; Accept and Deny are final, Pass skips the rest of the tier), then NetworkPolicy as above (final for
 *   an isolated side), then the Baseline tier, then the default, allowed.
 */
export class PlainEvaluator {
  private readonly namespaceLabels = new Map<string, Labels>();
  private readonly podsByIp = new Map<string, InventoryPod>();
  private readonly clusterTiers: PlainClusterTiers;

  constructor(private readonly cluster: Cluster) {
    for (const ns of cluster.namespaces) this.namespaceLabels.set(ns.name, ns.labels);
    this.clusterTiers = new PlainClusterTiers(cluster.clusterPolicies ?? [], cluster.nodes ?? [], this.namespaceLabels);
    for (const pod of cluster.pods) {
      if (!ownsItsIps(pod)) continue;
      for (const ip of pod.ips) {
        const parsed = parseIp(ip);
        if (parsed) this.podsByIp.set(`${parsed.family}:${parsed.value}`, pod);
      }
    }
  }

  /** An IP that belongs to a pod is that pod; any other IP is outside the cluster. */
  resolve(endpoint: Endpoint): Endpoint {
    if ('pod' in endpoint) return endpoint;
    const parsed = parseIp(endpoint.ip);
    const pod = parsed && this.podsByIp.get(`${parsed.family}:${parsed.value}`);
    return pod ? { pod } : endpoint;
  }

  evaluate(traffic: Traffic): TrafficVerdict {
    const from = this.resolve(traffic.from);
    const to = this.resolve(traffic.to);
    const egress = this.side('egress', from, to, traffic);
    const ingress = this.side('ingress', to, from, traffic);
    return { allowed: egress.allowed && ingress.allowed, egress, ingress };
  }

  private side(direction: 'ingress' | 'egress', self: Endpoint, peer: Endpoint, traffic: Traffic) {
    if (!('pod' in self)) return tieredVerdict({ policies: [], isolated: false, allowedBy: [], dnsRules: [] });
    const destination = direction === 'egress' ? peer : self;
    const destinationPod = 'pod' in destination ? destination.pod : undefined;
    const selecting: string[] = [];
    const allowedBy: RuleRef[] = [];
    for (const policy of this.cluster.policies) {
      if (policy.metadata.namespace !== self.pod.namespace) continue;
      if (!effectivePolicyTypes(policy.spec)[direction]) continue;
      if (!selectorMatches(policy.spec.podSelector, self.pod.labels)) continue;
      const name = policyName(policy);
      selecting.push(name);
      const rules = (direction === 'ingress' ? policy.spec.ingress : policy.spec.egress) ?? [];
      rules.forEach((rule, index) => {
        const peers = direction === 'ingress' ? (rule as NetworkPolicyIngressRule).from : (rule as NetworkPolicyEgressRule).to;
        if (!portsMatch(rule.ports, traffic.port, traffic.protocol, destinationPod)) return;
        if (!peersMatch(peers, peer, policy, this.namespaceLabels)) return;
        allowedBy.push({ policy: name, rule: index });
      });
    }
    const isolated = selecting.length > 0;
    const admin = this.clusterTiers.selecting('Admin', direction, self.pod);
    const baseline = this.clusterTiers.selecting('Baseline', direction, self.pod);
    for (const policy of [...admin, ...baseline]) selecting.push(policy.metadata.name);
    // Admin, then NetworkPolicy (final when it isolates the side), then Baseline.
    const adminWalk = this.clusterTiers.walk(admin, direction, peer, traffic, destinationPod);
    const baselineWalk: TierWalk =
      adminWalk.decided || isolated ? { dnsRules: [] } : this.clusterTiers.walk(baseline, direction, peer, traffic, destinationPod);
    return tieredVerdict({
      policies: [...new Set(selecting)].sort(),
      isolated,
      allowedBy,
      ...(adminWalk.decided ? { decidedBy: adminWalk.decided } : baselineWalk.decided ? { decidedBy: baselineWalk.decided } : {}),
      ...(adminWalk.passed ? { passedBy: adminWalk.passed } : baselineWalk.passed ? { passedBy: baselineWalk.passed } : {}),
      dnsRules: [...adminWalk.dnsRules, ...baselineWalk.dnsRules],
    });
  }
}

/** Evaluates one connection with the plain evaluator (builds it each call: use PlainEvaluator for many). */
export function evaluateTraffic(cluster: Cluster, traffic: Traffic): TrafficVerdict {
  return new PlainEvaluator(cluster).evaluate(traffic);
}

export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  for (const key in selector.matchLabels ?? {}) {
    if (!Object.hasOwn(labels, key) || labels[key] !== selector.matchLabels![key]) return false;
  }
  for (const requirement of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, requirement.key);
    const values = requirement.values ?? [];
    switch (requirement.operator) {
      case 'In':
        if (!has || !values.includes(labels[requirement.key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[requirement.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

export function portsMatch(
  ports: NetworkPolicyPort[] | undefined,
  port: number,
  protocol: Protocol,
  destination: InventoryPod | undefined,
): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined || p.port === null) return true;
    if (typeof p.port === 'number') return port >= p.port && port <= (p.endPort ?? p.port);
    return destination !== undefined && destination.ports.some((cp) => cp.name === p.port && cp.protocol === protocol && cp.port === port);
  });
}

function peersMatch(
  peers: NetworkPolicyPeer[] | undefined,
  endpoint: Endpoint,
  policy: NetworkPolicy,
  namespaceLabels: Map<string, Labels>,
): boolean {
  if (!peers || peers.length === 0) return true;
  return peers.some((peer) => {
    if (peer.ipBlock) {
      const block = compileIpBlock(peer.ipBlock);
      if (!block) return false;
      const ips = 'pod' in endpoint ? endpoint.pod.ips : [endpoint.ip];
      return ips.some((ip) => {
        const parsed = parseIp(ip);
        return parsed !== undefined && ipBlockContains(block, parsed);
      });
    }
    if (!('pod' in endpoint)) return false;
    const { pod } = endpoint;
    if (peer.namespaceSelector) {
      if (!selectorMatches(peer.namespaceSelector, namespaceLabels.get(pod.namespace) ?? {})) return false;
    } else if (pod.namespace !== policy.metadata.namespace) {
      return false;
    }
    return !peer.podSelector || selectorMatches(peer.podSelector, pod.labels);
  });
}
