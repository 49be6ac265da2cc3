import type { Cni, Tier } from '@bulkhead/contracts';

const TIER_LABEL_KEYS = ['environment', 'env', 'tier'];
const TIER_BY_VALUE: Record<string, Tier> = {
  production: 'prod',
  prod: 'prod',
  prd: 'prod',
  staging: 'staging',
  stage: 'staging',
  stg: 'staging',
  development: 'dev',
  dev: 'dev',
};

/** The tier a namespace's labels declare (`environment`, `env` or `tier`), or null when they do not. */
export function tierFromLabels(labels: Record<string, string>): Tier | null {
  for (const key of TIER_LABEL_KEYS) {
    const value = labels[key];
    if (value !== undefined) {
      const tier = TIER_BY_VALUE[value.trim().toLowerCase()];
      if (tier) return tier;
    }
  }
  return null;
}

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
