import { type IpAddress, parseIp } from '../model/ip';
import { selectorKey } from '../model/selector';
import type { LabelSelector, Labels } from '../model/types';
import type { InventoryPod } from '../snapshot/inventory';
import { NAMESPACE_NAME_LABEL } from '../snapshot/parse';
import { type Cluster, ownsItsIps } from '../evaluation/types';
import { type Bits, newBitRows, setBit } from './bitset';
import { type CompiledClusterPolicy, type CompiledPolicy, type PeerDef, compilePolicies, ipKey, peerContainsIp } from './compiled';

export { ipKey } from './compiled';

/**
 * A cluster indexed for evaluation. Pods are grouped into equivalence classes: two pods share a class when the
 * same policies select them (per direction), the same peers match them, and the port names that rules mention
 * resolve alike on them. No policy can tell two pods of a class apart, so whatever holds for a class pair holds
 * for every pod pair it stands for.
 */
export interface ClusterIndex {
  pods: readonly InventoryPod[];
  policies: CompiledPolicy[];
  /** Admin and Baseline cluster policies, each tier in evaluation order. */
  clusterPolicies: CompiledClusterPolicy[];
  peers: PeerDef[];
  /** Per peer: the classes whose pods it matches. */
  peerClasses: Bits[];
  classOf: Int32Array;
  /** One pod per class. */
  classRep: number[];
  classCount: number;
  /** Per pod: the policies selecting it for ingress / egress (indexes into `policies`, ascending). */
  podIngress: number[][];
  podEgress: number[][];
  /** Per pod and tier: the cluster policies whose subject selects it and that have rules for the direction (ascending = evaluation order). */
  podAdminIngress: number[][];
  podAdminEgress: number[][];
  podBaselineIngress: number[][];
  podBaselineEgress: number[][];
  /** Per class: the sorted `ns/name` of the policies selecting it, per direction. */
  classIngressNames: readonly (readonly string[])[];
  classEgressNames: readonly (readonly string[])[];
  /** IP (`family:value`) -> pod, for the pods that own their IPs. */
  podByIp: Map<string, number>;
  podIndex: Map<InventoryPod, number>;
  podByName: Map<string, number>;
}

/**
 * Builds the index. Selectors are evaluated once per distinct selector, namespace selectors over namespaces,
 * pod selectors over a label index and per-namespace pod lists, never once per pod pair.
 */
export function indexCluster(cluster: Cluster): ClusterIndex {
  const pods = cluster.pods;
  const nPods = pods.length;

  // Namespaces, including those only implied by pods or policies.
  const nsIndex = new Map<string, number>();
  const nsLabels: Labels[] = [];
  const addNamespace = (name: string, labels?: Labels) => {
    if (!nsIndex.has(name)) {
      nsIndex.set(name, nsLabels.length);
      nsLabels.push(labels ?? { [NAMESPACE_NAME_LABEL]: name });
    }
    return nsIndex.get(name)!;
  };
  for (const ns of cluster.namespaces) addNamespace(ns.name, ns.labels);
  const podNs = new Int32Array(nPods);
  pods.forEach((pod, i) => (podNs[i] = addNamespace(pod.namespace)));
  for (const policy of cluster.policies) addNamespace(policy.metadata.namespace);
  const nNs = nsLabels.length;
  const podsByNs: number[][] = Array.from({ length: nNs }, () => []);
  podNs.forEach((ns, i) => podsByNs[ns]!.push(i));

  // Label index: `key=value` -> pods carrying it, ascending.
  const labelIndex = new Map<string, number[]>();
  pods.forEach((pod, i) => {
    for (const [key, value] of Object.entries(pod.labels)) {
      const k = `${key}=${value}`;
      let list = labelIndex.get(k);
      if (!list) labelIndex.set(k, (list = []));
      list.push(i);
    }
  });

  // Pod IPs, parsed once, and the IP -> pod lookup.
  const podIps: IpAddress[][] = pods.map((pod) => pod.ips.map(parseIp).filter((ip): ip is IpAddress => ip !== undefined));
  const podByIp = new Map<string, number>();
  pods.forEach((pod, i) => {
    if (ownsItsIps(pod)) podIps[i]!.forEach((ip) => podByIp.set(ipKey(ip), i));
  });
  const podIndex = new Map<InventoryPod, number>();
  pods.forEach((pod, i) => podIndex.set(pod, i));
  const podByName = new Map<string, number>();
  pods.forEach((pod, i) => podByName.set(`${pod.namespace}/${pod.name}`, i));

  const { policies, clusterPolicies, peers, usedPortNames, matcher } = compilePolicies(
    cluster.policies,
    (name) => nsIndex.get(name)!,
    cluster.clusterPolicies,
    cluster.nodes,
  );

  // Which policies select each pod, per direction.
  const podIngress: number[][] = Array.from({ length: nPods }, () => []);
  const podEgress: number[][] = Array.from({ length: nPods }, () => []);
  policies.forEach((policy, p) => {
    if (!policy.ingress && !policy.egress) return;
    for (const i of podsByNs[policy.namespace]!) {
      if (!policy.matcher(pods[i]!.labels)) continue;
      if (policy.ingress) podIngress[i]!.push(p);
      if (policy.egress) podEgress[i]!.push(p);
    }
  });

  const nsSelectorCache = new Map<string, number[]>();
  const namespacesOf = (selector: LabelSelector): number[] => {
    const key = selectorKey(selector);
    let list = nsSelectorCache.get(key);
    if (!list) {
      const m = matcher(selector);
      list = [];
      for (const [n, labels] of nsLabels.entries()) if (m(labels)) list.push(n);
      nsSelectorCache.set(key, list);
    }
    return list;
  };
  // Which cluster policies select each pod (never a host-network pod), per tier and direction.
  const podAdminIngress: number[][] = Array.from({ length: nPods }, () => []);
  const podAdminEgress: number[][] = Array.from({ length: nPods }, () => []);
  const podBaselineIngress: number[][] = Array.from({ length: nPods }, () => []);
  const podBaselineEgress: number[][] = Array.from({ length: nPods }, () => []);
  clusterPolicies.forEach((policy, p) => {
    const hasIngress = policy.ingressRules.length > 0;
    const hasEgress = policy.egressRules.length > 0;
    if (!hasIngress && !hasEgress) return;
    const ingressLists = policy.tier === 'Admin' ? podAdminIngress : podBaselineIngress;
    const egressLists = policy.tier === 'Admin' ? podAdminEgress : podBaselineEgress;
    const podMatcher = policy.subjectPods ? matcher(policy.subjectPods) : undefined;
    for (const ns of namespacesOf(policy.subjectNamespaces)) {
      for (const i of podsByNs[ns]!) {
        const pod = pods[i]!;
        if (pod.hostNetwork || (podMatcher && !podMatcher(pod.labels))) continue;
        if (hasIngress) ingressLists[i]!.push(p);
        if (hasEgress) egressLists[i]!.push(p);
      }
    }
  });

  // Peer membership, pod by pod, computed once per distinct (namespaces, pod selector).
  /** The smallest posting list a selector's pods must come from, or undefined when it has none. */
  const candidatesOf = (selector: LabelSelector): number[] | undefined => {
    let best: number[] | undefined;
    for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
      const list = labelIndex.get(`${key}=${value}`) ?? [];
      if (!best || list.length < best.length) best = list;
    }
    for (const req of selector.matchExpressions ?? []) {
      if (req.operator !== 'In') continue;
      const lists = (req.values ?? []).map((v) => labelIndex.get(`${req.key}=${v}`) ?? []);
      const size = lists.reduce((n, l) => n + l.length, 0);
      if (!best || size < best.length) best = lists.length === 1 ? lists[0]! : lists.flat().sort((a, b) => a - b);
    }
    return best;
  };
  const membershipCache = new Map<string, number[]>();
  const podPeers: number[][] = Array.from({ length: nPods }, () => []);
  peers.forEach((peer, q) => {
    let members: number[];
    if (peer.kind !== 'selector') {
      members = [];
      if (peer.kind !== 'domains') {
        podIps.forEach((ips, i) => {
          for (const ip of ips) {
            if (peerContainsIp(peer, ip)) {
              members.push(i);
              break;
            }
          }
        });
      }
    } else {
      const namespaces = peer.namespaces === 'selector' ? namespacesOf(peer.nsSelector!) : peer.namespaces;
      const key = `${peer.namespaces === 'selector' ? `s:${selectorKey(peer.nsSelector!)}` : `n:${peer.namespaces[0]}`}|${peer.podSelector ? selectorKey(peer.podSelector) : '*'}|${peer.skipsHostNetwork ? 'h' : ''}`;
      const cached = membershipCache.get(key);
      if (cached) {
        members = cached;
      } else {
        members = [];
        const m = peer.podSelector ? matcher(peer.podSelector) : undefined;
        const candidates = peer.podSelector ? candidatesOf(peer.podSelector) : undefined;
        const inNamespaces = namespaces.reduce((n, ns) => n + podsByNs[ns]!.length, 0);
        if (candidates && candidates.length < inNamespaces) {
          const nsMember = new Uint8Array(nNs);
          for (const ns of namespaces) nsMember[ns] = 1;
          for (const i of candidates) if (nsMember[podNs[i]!] && m!(pods[i]!.labels)) members.push(i);
        } else {
          for (const ns of namespaces) for (const i of podsByNs[ns]!) if (!m || m(pods[i]!.labels)) members.push(i);
        }
        if (peer.skipsHostNetwork) members = members.filter((i) => !pods[i]!.hostNetwork);
        membershipCache.set(key, members);
      }
    }
    for (const i of members) podPeers[i]!.push(q);
  });

  // Equivalence classes.
  const namedPortKey = (pod: InventoryPod): string => {
    if (usedPortNames.size === 0 || pod.ports.length === 0) return '';
    const parts: string[] = [];
    for (const p of pod.ports) if (p.name !== undefined && usedPortNames.has(p.name)) parts.push(`${p.name}/${p.protocol}=${p.port}`);
    return parts.sort().join(',');
  };
  const classIds = new Map<string, number>();
  const classOf = new Int32Array(nPods);
  const classRep: number[] = [];
  pods.forEach((pod, i) => {
    const key = `${podIngress[i]!.join(',')}|${podEgress[i]!.join(',')}|${podPeers[i]!.join(',')}|${namedPortKey(pod)}|${podAdminIngress[i]!.join(',')}|${podAdminEgress[i]!.join(',')}|${podBaselineIngress[i]!.join(',')}|${podBaselineEgress[i]!.join(',')}`;
    let c = classIds.get(key);
    if (c === undefined) {
      classIds.set(key, (c = classRep.length));
      classRep.push(i);
    }
    classOf[i] = c;
  });
  const nClasses = classRep.length;
  const peerClasses = newBitRows(peers.length, nClasses);
  classRep.forEach((rep, c) => {
    for (const q of podPeers[rep]!) setBit(peerClasses[q]!, c);
  });
  const sortedNames = (namespaced: number[], admin: number[], baseline: number[]) =>
    Object.freeze(
      [
        ...new Set([
          ...namespaced.map((p) => policies[p]!.name),
          ...admin.map((p) => clusterPolicies[p]!.name),
          ...baseline.map((p) => clusterPolicies[p]!.name),
        ]),
      ].sort(),
    );
  const classIngressNames = classRep.map((i) => sortedNames(podIngress[i]!, podAdminIngress[i]!, podBaselineIngress[i]!));
  const classEgressNames = classRep.map((i) => sortedNames(podEgress[i]!, podAdminEgress[i]!, podBaselineEgress[i]!));

  return {
    pods,
    policies,
    clusterPolicies,
    peers,
    peerClasses,
    classOf,
    classRep,
    classCount: nClasses,
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
  };
}
