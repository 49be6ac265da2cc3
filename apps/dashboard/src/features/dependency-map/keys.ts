/**
 * The query keys of the dependency map: a cluster's inventory, its edges (the overview reads them too),
 * and its blocked attempts, in pages for the list (per namespace) and all of them for the drawing.
 */
export const mapKeys = {
  namespaces: (clusterId: string) => ['map', clusterId, 'namespaces'] as const,
  workloads: (clusterId: string) => ['map', clusterId, 'workloads'] as const,
  edges: (clusterId: string) => ['map', clusterId, 'edges'] as const,
  blockedPages: (clusterId: string, namespace: string) => ['map', clusterId, 'blocked', 'pages', namespace] as const,
  everyBlocked: (clusterId: string) => ['map', clusterId, 'blocked', 'every'] as const,
};
