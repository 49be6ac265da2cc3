import {
  type ClusterNetworkPolicy,
  type ClusterPolicyAction,
  type ClusterPolicyPeer,
  type ClusterPolicyProtocol,
  type ClusterPolicyTier,
  type ClusterRuleRef,
  clusterRuleRef,
  compareClusterPolicies,
} from '../model/cluster-policy';
import type { InventoryNode } from '../model/node';
import {
  type Cidr,
  type CompiledIpBlock,
  type IpAddress,
  cidrContains,
  compileIpBlock,
  ipBlockContains,
  parseCidr,
  parseIp,
} from '../model/ip';
import { type LabelMatcher, compileSelector, selectorKey } from '../model/selector';
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, Protocol } from '../model/types';
import { PROTOCOLS, effectivePolicyTypes, policyName } from '../model/types';

/** A policy port, ready to test: a numeric range, or a name to resolve on the destination pod. */
export interface CompiledPort {
  protocol: Protocol;
  lo: number;
  hi: number;
  name?: string;
}

export interface CompiledRule {
  /** Index in `spec.ingress` or `spec.egress`. */
  index: number;
  /** Peer ids, or null when the rule has no peers (everyone matches). */
  peers: number[] | null;
  /** null when the rule has no ports (every port and protocol). */
  ports: CompiledPort[] | null;
}

export interface CompiledPolicy {
  name: string;
  namespace: number;
  matcher: LabelMatcher;
  ingress: boolean;
  egress: boolean;
  ingressRules: CompiledRule[];
  egressRules: CompiledRule[];
}

/** A cluster policy rule, ready to test: its peers never empty (the API requires one), its action, and how to name it. */
export interface CompiledClusterRule {
  index: number;
  action: ClusterPolicyAction;
  peers: number[];
  ports: CompiledPort[] | null;
  /** The domain names of its `domainNames` peers (they match no address here: the answer depends on DNS). */
  domainNames: string[];
  ref: ClusterRuleRef;
}

export interface CompiledClusterPolicy {
  name: string;
  tier: ClusterPolicyTier;
  /** Namespaces selected by the subject, and the pods in them (undefined: every pod). */
  subjectNamespaces: LabelSelector;
  subjectPods?: LabelSelector;
  ingressRules: CompiledClusterRule[];
  egressRules: CompiledClusterRule[];
}

/**
 * A distinct peer: an ipBlock, `networks` CIDRs, the addresses of some nodes, domain names (which match no address),
 * or a namespace set (a selector, or the policy's own namespace) and a pod selector. Cluster policy peers leave out
 * host-network pods (`skipsHostNetwork`).
 */
export type PeerDef =
  | { kind: 'ip'; block: CompiledIpBlock | undefined }
  | { kind: 'networks'; cidrs: Cidr[] }
  | { kind: 'nodes'; addresses: Set<string> }
  | { kind: 'domains' }
  | {
      kind: 'selector';
      namespaces: number[] | 'selector';
      nsSelector?: LabelSelector;
      podSelector?: LabelSelector;
      skipsHostNetwork?: boolean;
    };

export const ipKey = (ip: IpAddress) => `${ip.family}:${ip.value}`;

/** Whether an address (of a pod, or outside every pod) belongs to a peer that matches by address. */
export function peerContainsIp(peer: PeerDef, ip: IpAddress): boolean {
  switch (peer.kind) {
    case 'ip':
      return peer.block !== undefined && ipBlockContains(peer.block, ip);
    case 'networks':
      return peer.cidrs.some((cidr) => cidrContains(cidr, ip));
    case 'nodes':
      return peer.addresses.has(ipKey(ip));
    default:
      return false;
  }
}

export interface CompiledPolicies {
  policies: CompiledPolicy[];
  /** Cluster policies in evaluation order within each tier (priority, then name). */
  clusterPolicies: CompiledClusterPolicy[];
  /** Every distinct peer of every rule; rules refer to them by index. */
  peers: PeerDef[];
  /** Port names that some rule mentions. */
  usedPortNames: Set<string>;
  /** Compiles a selector once per distinct selector. */
  matcher(selector: LabelSelector): LabelMatcher;
}

/** Compiles policies into rules over deduplicated peers. `namespaceIndex` numbers the namespaces. */
export function compilePolicies(
  source: readonly NetworkPolicy[],
  namespaceIndex: (name: string) => number,
  clusterSource: readonly ClusterNetworkPolicy[] = [],
  nodes: readonly InventoryNode[] = [],
): CompiledPolicies {
  const matcherCache = new Map<string, LabelMatcher>();
  const matcher = (selector: LabelSelector) => {
    const key = selectorKey(selector);
    let m = matcherCache.get(key);
    if (!m) matcherCache.set(key, (m = compileSelector(selector)));
    return m;
  };
  const peerIds = new Map<string, number>();
  const peers: PeerDef[] = [];
  const intern = (key: string, def: () => PeerDef): number => {
    let id = peerIds.get(key);
    if (id === undefined) {
      peerIds.set(key, (id = peers.length));
      peers.push(def());
    }
    return id;
  };
  const peerId = (peer: NetworkPolicyPeer, policyNs: number): number => {
    let key: string;
    let def: PeerDef;
    if (peer.ipBlock) {
      key = `ip|${peer.ipBlock.cidr}|${[...(peer.ipBlock.except ?? [])].sort().join(',')}`;
      def = { kind: 'ip', block: compileIpBlock(peer.ipBlock) };
    } else {
      const nsPart = peer.namespaceSelector ? `nsSel:${selectorKey(peer.namespaceSelector)}` : `ns:${policyNs}`;
      const podPart = peer.podSelector ? selectorKey(peer.podSelector) : '*';
      key = `sel|${nsPart}|${podPart}`;
      def = {
        kind: 'selector',
        namespaces: peer.namespaceSelector ? 'selector' : [policyNs],
        ...(peer.namespaceSelector ? { nsSelector: peer.namespaceSelector } : {}),
        ...(peer.podSelector ? { podSelector: peer.podSelector } : {}),
      };
    }
    return intern(key, () => def);
  };
  const usedPortNames = new Set<string>();
  const compilePorts = (ports: NetworkPolicyPort[] | undefined): CompiledPort[] | null => {
    if (!ports || ports.length === 0) return null;
    return ports.map((p) => {
      const protocol = (p.protocol ?? 'TCP') as Protocol;
      if (p.port === undefined || p.port === null) return { protocol, lo: 0, hi: 65535 };
      if (typeof p.port === 'number') return { protocol, lo: p.port, hi: p.endPort ?? p.port };
      usedPortNames.add(p.port);
      return { protocol, lo: 1, hi: 0, name: p.port };
    });
  };
  const compileRules = (rules: { peers?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }[], policyNs: number): CompiledRule[] =>
    rules.map((rule, index) => ({
      index,
      peers: rule.peers && rule.peers.length > 0 ? rule.peers.map((peer) => peerId(peer, policyNs)) : null,
      ports: compilePorts(rule.ports),
    }));
  const policies: CompiledPolicy[] = source.map((policy) => {
    const ns = namespaceIndex(policy.metadata.namespace);
    const types = effectivePolicyTypes(policy.spec);
    return {
      name: policyName(policy),
      namespace: ns,
      matcher: matcher(policy.spec.podSelector ?? {}),
      ingress: types.ingress,
      egress: types.egress,
      ingressRules: types.ingress
        ? compileRules(
            (policy.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports })),
            ns,
          )
        : [],
      egressRules: types.egress
        ? compileRules(
            (policy.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports })),
            ns,
          )
        : [],
    };
  });

  const clusterPeerId = (peer: ClusterPolicyPeer): number => {
    if (peer.networks) {
      const cidrs = peer.networks.map(parseCidr).filter((cidr) => cidr !== undefined);
      return intern(`networks|${[...peer.networks].sort().join(',')}`, () => ({ kind: 'networks', cidrs }));
    }
    if (peer.nodes) {
      const selector = peer.nodes;
      return intern(`nodes|${selectorKey(selector)}`, () => {
        const matches = matcher(selector);
        const addresses = new Set<string>();
        for (const node of nodes) {
          if (!matches(node.labels)) continue;
          for (const { address } of node.addresses) {
            const ip = parseIp(address);
            if (ip) addresses.add(ipKey(ip));
          }
        }
        return { kind: 'nodes', addresses };
      });
    }
    if (peer.domainNames) return intern('domains', () => ({ kind: 'domains' }));
    const nsSelector = peer.namespaces ?? peer.pods?.namespaceSelector ?? {};
    const podSelector = peer.pods?.podSelector;
    return intern(`cluster|${selectorKey(nsSelector)}|${podSelector ? selectorKey(podSelector) : '*'}`, () => ({
      kind: 'selector',
      namespaces: 'selector',
      nsSelector,
      ...(podSelector ? { podSelector } : {}),
      skipsHostNetwork: true,
    }));
  };
  const compileProtocols = (protocols: ClusterPolicyProtocol[] | undefined): CompiledPort[] | null => {
    if (!protocols || protocols.length === 0) return null;
    return protocols.flatMap((entry): CompiledPort[] => {
      if (entry.destinationNamedPort !== undefined) {
        const name = entry.destinationNamedPort;
        usedPortNames.add(name);
        return PROTOCOLS.map((protocol) => ({ protocol, lo: 1, hi: 0, name }));
      }
      const protocol: Protocol = entry.tcp ? 'TCP' : entry.udp ? 'UDP' : 'SCTP';
      const destinationPort = (entry.tcp ?? entry.udp ?? entry.sctp)?.destinationPort;
      if (!destinationPort) return [{ protocol, lo: 0, hi: 65535 }];
      if (destinationPort.range) return [{ protocol, lo: destinationPort.range.start, hi: destinationPort.range.end }];
      return [{ protocol, lo: destinationPort.number!, hi: destinationPort.number! }];
    });
  };
  const compileClusterRules = (policy: ClusterNetworkPolicy, direction: 'ingress' | 'egress'): CompiledClusterRule[] =>
    (policy.spec[direction] ?? []).map((rule, index) => {
      const rulePeers = 'from' in rule ? rule.from : rule.to;
      return {
        index,
        action: rule.action,
        peers: rulePeers.map(clusterPeerId),
        ports: compileProtocols(rule.protocols),
        domainNames: rulePeers.flatMap((peer) => peer.domainNames ?? []),
        ref: clusterRuleRef(policy, direction, index),
      };
    });
  const clusterPolicies: CompiledClusterPolicy[] = [...clusterSource].sort(compareClusterPolicies).map((policy) => {
    const { subject } = policy.spec;
    return {
      name: policy.metadata.name,
      tier: policy.spec.tier,
      subjectNamespaces: subject.namespaces ?? subject.pods?.namespaceSelector ?? {},
      ...(subject.pods ? { subjectPods: subject.pods.podSelector } : {}),
      ingressRules: compileClusterRules(policy, 'ingress'),
      egressRules: compileClusterRules(policy, 'egress'),
    };
  });

  return { policies, clusterPolicies, peers, usedPortNames, matcher };
}
