import { type CreateWebhookBody, routes } from '@bulkhead/contracts';
import { api } from '../../api/client';

export const fetchWebhooks = (clusterId: string, signal?: AbortSignal) => api.call(routes.listWebhooks, { params: { clusterId }, signal });
export const createWebhook = (clusterId: string, body: CreateWebhookBody) =>
  api.call(routes.createWebhook, { params: { clusterId }, body });
export const deleteWebhook = (clusterId: string, webhookId: string) => api.call(routes.deleteWebhook, { params: { clusterId, webhookId } });
export const fetchDeliveries = (clusterId: string, webhookId: string, signal?: AbortSignal) =>
  api.call(routes.listWebhookDeliveries, { params: { clusterId, webhookId }, signal });
