/** The query keys of the plans feature: a cluster's versions, and each plan with what is read of it. */
export const planKeys = {
  ofCluster: (clusterId: string) => ['plans', 'cluster', clusterId] as const,
  one: (planId: string) => ['plans', 'one', planId] as const,
  yaml: (planId: string, namespace: string) => ['plans', 'one', planId, 'yaml', namespace] as const,
  diff: (planId: string, against: 'previous' | 'live') => ['plans', 'one', planId, 'diff', against] as const,
};
