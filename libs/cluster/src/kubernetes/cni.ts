import type { Cni } from '@bulkhead/contracts';

/** A DaemonSet (or a pod's owning DaemonSet, or a bare pod) that may belong to a CNI plugin. */
export interface CniCandidate {
  namespace: string;
  name: string;
}

/** Where CNI plugins install their agents: kube-system, and the namespaces of operator or newer manifests. */
export const CNI_NAMESPACES: ReadonlySet<string> = new Set([
  'kube-system',
  'calico-system',
  'kube-flannel',
  'cilium',
  'tigera-operator',
  'antrea-system',
]);

/**
 * Names the CNI from its node agents. Canal is Calico's policy engine on Flannel's network, so a
 * `canal` DaemonSet, or Calico next to Flannel, is canal; Cilium chained on Flannel is Cilium.
 */
export function detectCni(candidates: readonly CniCandidate[]): Cni {
  const names = candidates.filter((c) => CNI_NAMESPACES.has(c.namespace)).map((c) => c.name.toLowerCase());
  const has = (test: (name: string) => boolean) => names.some(test);
  const calico = has((n) => n === 'calico-node' || n.startsWith('calico-node-'));
  const flannel = has((n) => n.includes('flannel'));
  if (has((n) => /(^|-)canal(-|$)/.test(n)) || (calico && flannel)) return 'canal';
  if (has((n) => n === 'cilium' || n.startsWith('cilium-'))) return 'cilium';
  if (calico) return 'calico';
  if (has((n) => n.startsWith('antrea-agent'))) return 'antrea';
  if (has((n) => n.startsWith('weave-net'))) return 'weave';
  if (has((n) => n.startsWith('kube-router'))) return 'kube-router';
  if (flannel) return 'flannel';
  return 'unknown';
}

/** The DaemonSet a pod belongs to: its owner, or its name less the random suffix of a DaemonSet pod. */
export function daemonSetOfPod(pod: {
  namespace: string;
  name: string;
  ownerReferences?: Array<{ kind: string; name: string }>;
}): CniCandidate {
  const owner = pod.ownerReferences?.find((o) => o.kind === 'DaemonSet');
  return { namespace: pod.namespace, name: owner ? owner.name : pod.name.replace(/-[a-z0-9]{5}$/, '') };
}
