import {
  type ClusterNetworkPolicy,
  type ClusterPolicyPeer,
  type ClusterPolicyProtocol,
  type ClusterPolicySubject,
  type ClusterPolicyTier,
  type ClusterRuleRef,
  type DnsDependency,
  clusterRuleRef,
  compareClusterPolicies,
} from '../model/cluster-policy';
import type { InventoryNode } from '../model/node';
import { cidrContains, parseCidr, parseIp } from '../model/ip';
import type { Labels, Protocol } from '../model/types';
import type { InventoryPod } from '../snapshot/inventory';
import { selectorMatches } from './evaluate';
import type { Endpoint, Traffic } from './types';

/** What one tier decided for one side: a final Accept or Deny, a Pass, or nothing (no rule matched). */
export interface TierWalk {
  decided?: ClusterRuleRef;
  passed?: ClusterRuleRef;
  dnsRules: DnsDependency[];
}

/**
 * The plain reading of the cluster tiers: every selector, peer and protocol tested literally, for one connection.
 * Host-network pods are neither subjects nor `namespaces`/`pods` peers (upstream: "host-networked pods are not
 * included"); `networks` and `nodes` peers match by address, pod addresses included.
 */
export class PlainClusterTiers {
  private readonly byTier: Record<ClusterPolicyTier, ClusterNetworkPolicy[]>;

  constructor(
    policies: readonly ClusterNetworkPolicy[],
    private readonly nodes: readonly InventoryNode[],
    private readonly namespaceLabels: Map<string, Labels>,
  ) {
    const sorted = [...policies].sort(compareClusterPolicies);
    this.byTier = { Admin: sorted.filter((p) => p.spec.tier === 'Admin'), Baseline: sorted.filter((p) => p.spec.tier === 'Baseline') };
  }

  /** The names of the tier's policies that select this pod for this direction (they have rules in it). */
  selecting(tier: ClusterPolicyTier, direction: 'ingress' | 'egress', pod: InventoryPod): ClusterNetworkPolicy[] {
    return this.byTier[tier].filter((policy) => (policy.spec[direction]?.length ?? 0) > 0 && this.subjectMatches(policy.spec.subject, pod));
  }

  /** Walks the selecting policies in order, rule by rule, until one matches the connection. */
  walk(
    policies: readonly ClusterNetworkPolicy[],
    direction: 'ingress' | 'egress',
    peer: Endpoint,
    traffic: Traffic,
    destination: InventoryPod | undefined,
  ): TierWalk {
    const dnsRules: DnsDependency[] = [];
    for (const policy of policies) {
      const rules = policy.spec[direction] ?? [];
      for (const [index, rule] of rules.entries()) {
        if (!protocolsMatch(rule.protocols, traffic.port, traffic.protocol, destination)) continue;
        const peers = 'from' in rule ? rule.from : rule.to;
        if (peers.some((candidate) => this.peerMatches(candidate, peer))) {
          const ref = clusterRuleRef(policy, direction, index);
          return rule.action === 'Pass' ? { passed: ref, dnsRules } : { decided: ref, dnsRules };
        }
        const domainNames = peers.flatMap((candidate) => candidate.domainNames ?? []);
        if (rule.action === 'Accept' && domainNames.length > 0 && !('pod' in peer)) {
          dnsRules.push({ rule: clusterRuleRef(policy, direction, index), domainNames });
        }
      }
    }
    return { dnsRules };
  }

  private subjectMatches(subject: ClusterPolicySubject, pod: InventoryPod): boolean {
    if (pod.hostNetwork) return false;
    const namespaceLabels = this.namespaceLabels.get(pod.namespace) ?? {};
    if (subject.namespaces) return selectorMatches(subject.namespaces, namespaceLabels);
    if (subject.pods) {
      return (
        selectorMatches(subject.pods.namespaceSelector ?? {}, namespaceLabels) && selectorMatches(subject.pods.podSelector, pod.labels)
      );
    }
    return false;
  }

  private peerMatches(peer: ClusterPolicyPeer, endpoint: Endpoint): boolean {
    const ips = ('pod' in endpoint ? endpoint.pod.ips : [endpoint.ip]).map(parseIp).filter((ip) => ip !== undefined);
    if (peer.networks) {
      return peer.networks.some((text) => {
        const cidr = parseCidr(text);
        return cidr !== undefined && ips.some((ip) => cidrContains(cidr, ip));
      });
    }
    if (peer.nodes) {
      const addresses = new Set(
        this.nodes
          .filter((node) => selectorMatches(peer.nodes!, node.labels))
          .flatMap((node) => node.addresses.map((a) => parseIp(a.address)).filter((ip) => ip !== undefined))
          .map((ip) => `${ip.family}:${ip.value}`),
      );
      return ips.some((ip) => addresses.has(`${ip.family}:${ip.value}`));
    }
    if (peer.domainNames) return false;
    if (!('pod' in endpoint) || endpoint.pod.hostNetwork) return false;
    const { pod } = endpoint;
    const namespaceLabels = this.namespaceLabels.get(pod.namespace) ?? {};
    if (peer.namespaces) return selectorMatches(peer.namespaces, namespaceLabels);
    if (peer.pods) {
      return selectorMatches(peer.pods.namespaceSelector ?? {}, namespaceLabels) && selectorMatches(peer.pods.podSelector, pod.labels);
    }
    return false;
  }
}

/** No protocols: every port of every protocol. A named port resolves on the destination pod, as in NetworkPolicy. */
export function protocolsMatch(
  protocols: readonly ClusterPolicyProtocol[] | undefined,
  port: number,
  protocol: Protocol,
  destination: InventoryPod | undefined,
): boolean {
  if (!protocols || protocols.length === 0) return true;
  return protocols.some((entry) => {
    if (entry.destinationNamedPort !== undefined) {
      const name = entry.destinationNamedPort;
      return destination !== undefined && destination.ports.some((cp) => cp.name === name && cp.protocol === protocol && cp.port === port);
    }
    const match = protocol === 'TCP' ? entry.tcp : protocol === 'UDP' ? entry.udp : entry.sctp;
    if (!match) return false;
    const destinationPort = match.destinationPort;
    if (!destinationPort) return true;
    if (destinationPort.range) return port >= destinationPort.range.start && port <= destinationPort.range.end;
    return port === destinationPort.number;
  });
}
