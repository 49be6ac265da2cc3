import type { Cni } from '@bulkhead/contracts';

const ENFORCES: Record<Cni, boolean | null> = {
  calico: true,
  cilium: true,
  canal: true, // Flannel for the network, Calico for policy
  weave: true,
  antrea: true,
  'kube-router': true,
  flannel: false, // accepts NetworkPolicy objects and enforces none of them
  unknown: null,
};

/** Whether the CNI enforces NetworkPolicy: true, false, or null when we cannot know. */
export const cniEnforcesNetworkPolicy = (cni: Cni): boolean | null => ENFORCES[cni];
