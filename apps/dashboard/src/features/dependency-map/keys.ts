/** The query keys of the dependency map: a cluster's inventory and its edges (the overview reads them too). */
export const mapKeys = {
  namespaces: (clusterId: string) => ['map', clusterId, 'namespaces'] as const,
  workloads: (clusterId: string) => ['map', clusterId, 'workloads'] as const,
  edges: (clusterId: string) => ['map', clusterId, 'edges'] as const,
};
