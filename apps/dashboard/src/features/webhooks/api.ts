import { type CreateWebhookBody, routes } from '@bulkhead/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { webhookKeys } from './keys';

export const useWebhooks = (clusterId: string) =>
  useQuery({
    queryKey: webhookKeys.ofCluster(clusterId),
    queryFn: ({ signal }) => api.call(routes.listWebhooks, { params: { clusterId }, signal }),
  });

export const useDeliveries = (clusterId: string, webhookId: string) =>
  useQuery({
    queryKey: webhookKeys.deliveries(clusterId, webhookId),
    queryFn: ({ signal }) => api.call(routes.listWebhookDeliveries, { params: { clusterId, webhookId }, signal }),
  });

/** Adding or removing an endpoint changes the cluster's list of webhooks, which shows again once read. */
function useWebhookChange<V>(clusterId: string, change: (variables: V) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: change,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.ofCluster(clusterId), exact: true }),
  });
}

export const useCreateWebhook = (clusterId: string) =>
  useWebhookChange(clusterId, (body: CreateWebhookBody) => api.call(routes.createWebhook, { params: { clusterId }, body }));
export const useDeleteWebhook = (clusterId: string) =>
  useWebhookChange(clusterId, (webhookId: string) => api.call(routes.deleteWebhook, { params: { clusterId, webhookId } }));
