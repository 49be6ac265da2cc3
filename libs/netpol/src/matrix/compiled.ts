import { type CompiledIpBlock, compileIpBlock } from '../model/ip';
import { type LabelMatcher, compileSelector, selectorKey } from '../model/selector';
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, Protocol } from '../model/types';
import { effectivePolicyTypes, policyName } from '../model/types';

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

/** A distinct peer: an ipBlock, or a namespace set (a selector, or the policy's own namespace) and a pod selector. */
export type PeerDef =
  | { kind: 'ip'; block: CompiledIpBlock | undefined }
  | { kind: 'selector'; namespaces: number[] | 'selector'; nsSelector?: LabelSelector; podSelector?: LabelSelector };

export interface CompiledPolicies {
  policies: CompiledPolicy[];
  /** Every distinct peer of every rule; rules refer to them by index. */
  peers: PeerDef[];
  /** Port names that some rule mentions. */
  usedPortNames: Set<string>;
  /** Compiles a selector once per distinct selector. */
  matcher(selector: LabelSelector): LabelMatcher;
}

/** Compiles policies into rules over deduplicated peers. `namespaceIndex` numbers the namespaces. */
export function compilePolicies(source: readonly NetworkPolicy[], namespaceIndex: (name: string) => number): CompiledPolicies {
  const matcherCache = new Map<string, LabelMatcher>();
  const matcher = (selector: LabelSelector) => {
    const key = selectorKey(selector);
    let m = matcherCache.get(key);
    if (!m) matcherCache.set(key, (m = compileSelector(selector)));
    return m;
  };
  const peerIds = new Map<string, number>();
  const peers: PeerDef[] = [];
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
    let id = peerIds.get(key);
    if (id === undefined) {
      peerIds.set(key, (id = peers.length));
      peers.push(def);
    }
    return id;
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

  return { policies, peers, usedPortNames, matcher };
}
