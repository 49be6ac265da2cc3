import type { ClusterView } from '@bulkhead/contracts';

const NAMES: Record<string, string> = {
  calico: 'Calico',
  cilium: 'Cilium',
  flannel: 'Flannel',
  canal: 'Canal',
  weave: 'Weave Net',
  antrea: 'Antrea',
  'kube-router': 'kube-router',
  unknown: 'Unknown CNI',
};

export const cniName = (cni: string): string => NAMES[cni] ?? cni;

/** What a platform engineer must know about the cluster's CNI before planning anything, or null when all is well. */
export function cniWarning(cluster: Pick<ClusterView, 'cni' | 'enforcesNetworkPolicy'>): { tone: 'bad' | 'warn'; text: string } | null {
  if (cluster.enforcesNetworkPolicy === true) return null;
  if (cluster.enforcesNetworkPolicy === false) {
    const lead =
      cluster.cni === 'flannel'
        ? 'Flannel accepts NetworkPolicy objects and enforces none of them'
        : `${cniName(cluster.cni)} does not enforce NetworkPolicy`;
    return {
      tone: 'bad',
      text: `${lead}: every policy applied to this cluster would be stored and ignored, and every pod would still reach every pod. Move to a CNI that enforces NetworkPolicy (Calico, Cilium, or Canal) before rolling out.`,
    };
  }
  return {
    tone: 'warn',
    text: 'Bulkhead does not know which CNI this cluster runs, so it cannot tell whether NetworkPolicy is enforced at all. Set the cluster’s CNI before trusting a plan.',
  };
}
