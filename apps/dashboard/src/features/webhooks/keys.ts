/** The query keys of the webhooks feature: a cluster's endpoints, and each endpoint's deliveries under them. */
export const webhookKeys = {
  ofCluster: (clusterId: string) => ['webhooks', clusterId] as const,
  deliveries: (clusterId: string, webhookId: string) => ['webhooks', clusterId, webhookId, 'deliveries'] as const,
};
