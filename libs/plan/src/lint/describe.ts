// How findings name what they are about: a peer, the field of a peer, a list of pods.
import { type NetworkPolicyPeer, selectorKey } from '@bulkhead/netpol';
import type { PolicyRuleUnderLint } from './rule';

export function describePeer(peer: NetworkPolicyPeer): string {
  if (peer.ipBlock) return `ipBlock ${peer.ipBlock.cidr}`;
  const parts: string[] = [];
  if (peer.namespaceSelector) parts.push(`namespaceSelector {${selectorKey(peer.namespaceSelector)}}`);
  if (peer.podSelector) parts.push(`podSelector {${selectorKey(peer.podSelector)}}`);
  return parts.join(' AND ');
}

/** The field of a rule's peer, `spec.ingress[0].from[1]`. */
export const peerFieldOf = (rule: PolicyRuleUnderLint, peerIndex: number): string =>
  `${rule.field}.${rule.direction === 'ingress' ? 'from' : 'to'}[${peerIndex}]`;

/** The first three pod names, then an ellipsis. */
export const firstPods = (pods: readonly string[]): string => `${pods.slice(0, 3).join(', ')}${pods.length > 3 ? ', ...' : ''}`;
