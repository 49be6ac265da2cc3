import { type IpAddress, ipBlockContains, parseIp } from '../model/ip';
import type { Protocol } from '../model/types';
import type { InventoryPod } from '../snapshot/inventory';
import { type Endpoint, type RuleRef, type Traffic, type TrafficVerdict, directionVerdict } from '../evaluation/types';
import { hasBit } from './bitset';
import { type ClusterIndex, ipKey } from './cluster-index';
import type { CompiledRule } from './compiled';

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
    peers,
    peerClasses,
    classOf,
    podIngress,
    podEgress,
    classIngressNames,
    classEgressNames,
    podByIp,
    podIndex,
    podByName,
  } = index;
  const portMatches = (rule: CompiledRule, port: number, protocol: Protocol, destination: InventoryPod | undefined): boolean => {
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
  const peerMatches = (rule: CompiledRule, otherPod: number, otherIp: IpAddress | undefined): boolean => {
    if (rule.peers === null) return true;
    for (const q of rule.peers) {
      if (otherPod >= 0) {
        if (hasBit(peerClasses[q], classOf[otherPod])) return true;
      } else {
        const peer = peers[q];
        if (peer.kind === 'ip' && peer.block && otherIp && ipBlockContains(peer.block, otherIp)) return true;
      }
    }
    return false;
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
    if (self < 0) return directionVerdict([], []);
    const c = classOf[self];
    const selecting = direction === 'ingress' ? podIngress[self] : podEgress[self];
    if (selecting.length === 0) return directionVerdict([], []);
    const allowedBy: RuleRef[] = [];
    for (const p of selecting) {
      const policy = policies[p];
      const rules = direction === 'ingress' ? policy.ingressRules : policy.egressRules;
      for (const rule of rules) {
        if (portMatches(rule, traffic.port, traffic.protocol, destination) && peerMatches(rule, other.pod, other.ip)) {
          allowedBy.push({ policy: policy.name, rule: rule.index });
        }
      }
    }
    const names = direction === 'ingress' ? classIngressNames[c] : classEgressNames[c];
    return directionVerdict(names, allowedBy);
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
