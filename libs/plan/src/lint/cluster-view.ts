// What the selectors of policies match in the inventory's cluster: the namespaces a namespace selector
// names, the pods a pod selector picks, the pods a peer admits. Every answer is cached by selector, so
// the rules can ask again and again; the lists are shared (the same array for the same question).
import {
  type Inventory,
  type InventoryPod,
  type LabelSelector,
  type NetworkPolicyPeer,
  NAMESPACE_NAME_LABEL,
  compileSelector,
  selectorKey,
} from '@bulkhead/netpol';

type LabelMatch = (labels: Record<string, string>) => boolean;

export interface ClusterView {
  pods: readonly InventoryPod[];
  /** Labels of every namespace; a namespace known only from its pods carries its name label only. */
  namespaceLabels: ReadonlyMap<string, Record<string, string>>;
  podsByNamespace: ReadonlyMap<string, InventoryPod[]>;
  /** Position of each pod in the inventory: a pod's number in the sets of rule coverage. */
  podIndex: ReadonlyMap<InventoryPod, number>;
  /** A plain YAML of policies, no pod listed: nothing can be said about what selectors match. */
  policiesOnly: boolean;
  podsSelectedBy(namespace: string, podSelector: LabelSelector): InventoryPod[];
  /** The pods a peer admits, seen from a policy of `policyNamespace` (ipBlock peers: none). */
  peerPods(peer: NetworkPolicyPeer, policyNamespace: string): InventoryPod[];
}

export function viewCluster(inventory: Inventory): ClusterView {
  const namespaceLabels = new Map<string, Record<string, string>>();
  for (const ns of inventory.namespaces) namespaceLabels.set(ns.name, ns.labels);
  for (const pod of inventory.pods)
    if (!namespaceLabels.has(pod.namespace)) namespaceLabels.set(pod.namespace, { [NAMESPACE_NAME_LABEL]: pod.namespace });
  const podsByNamespace = new Map<string, InventoryPod[]>();
  for (const pod of inventory.pods) {
    let pods = podsByNamespace.get(pod.namespace);
    if (!pods) podsByNamespace.set(pod.namespace, (pods = []));
    pods.push(pod);
  }
  const podIndex = new Map<InventoryPod, number>();
  inventory.pods.forEach((pod, index) => podIndex.set(pod, index));

  const matchBySelector = new Map<string, LabelMatch>();
  const matchOf = (selector: LabelSelector): LabelMatch => {
    const key = selectorKey(selector);
    let match = matchBySelector.get(key);
    if (!match) matchBySelector.set(key, (match = compileSelector(selector)));
    return match;
  };
  const namespacesBySelector = new Map<string, string[]>();
  const namespacesSelectedBy = (selector: LabelSelector): string[] => {
    const key = selectorKey(selector);
    let namespaces = namespacesBySelector.get(key);
    if (!namespaces) {
      const onlyName =
        selector.matchLabels && Object.keys(selector.matchLabels).length === 1 && !selector.matchExpressions?.length
          ? selector.matchLabels[NAMESPACE_NAME_LABEL]
          : undefined;
      if (onlyName !== undefined) namespaces = namespaceLabels.get(onlyName)?.[NAMESPACE_NAME_LABEL] === onlyName ? [onlyName] : [];
      else {
        const match = matchOf(selector);
        namespaces = [...namespaceLabels].filter(([, labels]) => match(labels)).map(([name]) => name);
      }
      namespacesBySelector.set(key, namespaces);
    }
    return namespaces;
  };
  const podsBySelector = new Map<string, InventoryPod[]>();
  const podsSelectedBy = (namespace: string, podSelector: LabelSelector): InventoryPod[] => {
    const key = `${namespace}|${JSON.stringify(podSelector)}`;
    let pods = podsBySelector.get(key);
    if (!pods) {
      const match = matchOf(podSelector);
      pods = (podsByNamespace.get(namespace) ?? []).filter((pod) => match(pod.labels));
      podsBySelector.set(key, pods);
    }
    return pods;
  };
  const podsByPeer = new Map<string, InventoryPod[]>();
  const peerPods = (peer: NetworkPolicyPeer, policyNamespace: string): InventoryPod[] => {
    if (peer.ipBlock) return [];
    // A cache key, not a canonical form: equal JSON selects alike (a different spelling only misses the cache).
    const key = peer.namespaceSelector ? `s:${JSON.stringify(peer)}` : `n:${policyNamespace}|${JSON.stringify(peer)}`;
    let pods = podsByPeer.get(key);
    if (!pods) {
      const namespaces = peer.namespaceSelector ? namespacesSelectedBy(peer.namespaceSelector) : [policyNamespace];
      pods = namespaces.flatMap((ns) => podsSelectedBy(ns, peer.podSelector ?? {}));
      podsByPeer.set(key, pods);
    }
    return pods;
  };

  return {
    pods: inventory.pods,
    namespaceLabels,
    podsByNamespace,
    podIndex,
    policiesOnly: inventory.pods.length === 0,
    podsSelectedBy,
    peerPods,
  };
}
