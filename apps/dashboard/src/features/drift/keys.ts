/** The query keys of the drift feature: a cluster's findings, what was asked about them, and its checks. */
export const driftKeys = {
  all: (clusterId: string) => ['drift', clusterId] as const,
  findings: (clusterId: string) => ['drift', clusterId, 'findings'] as const,
  actions: (clusterId: string) => ['drift', clusterId, 'actions'] as const,
  checks: (clusterId: string) => ['drift', clusterId, 'checks'] as const,
};
