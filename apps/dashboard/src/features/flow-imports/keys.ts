/** The query keys of the flow imports: a cluster's imports in pages (their page), and all of them (the map's count). */
export const flowImportKeys = {
  ofCluster: (clusterId: string) => ['flow-imports', clusterId] as const,
  pages: (clusterId: string) => ['flow-imports', clusterId, 'pages'] as const,
  every: (clusterId: string) => ['flow-imports', clusterId, 'every'] as const,
};
