import { z } from 'zod';
import { idParam, instantSchema, route } from './route';

/** What a webhook can be told about. */
export const WEBHOOK_EVENTS = ['approval.needed', 'rollout.halted', 'rollout.stalled', 'rollout.completed', 'drift.found'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** `json`: Bulkhead's own document; `slack`: a Slack incoming-webhook message (`text` and `blocks`). */
export const WEBHOOK_FORMATS = ['json', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

const urlSchema = z
  .string()
  .min(1)
  .max(2000)
  .describe('https:// (http:// only to a loopback address, with BULKHEAD_WEBHOOK_ALLOW_LOOPBACK)');
const eventsSchema = z
  .array(z.enum(WEBHOOK_EVENTS))
  .min(1)
  .refine((events) => new Set(events).size === events.length, 'lists an event twice');
const secretSchema = z
  .string()
  .min(16, 'must be at least 16 characters')
  .max(512)
  .describe('The HMAC-SHA256 key the receiver checks signatures with. Stored sealed, never returned');

export const createWebhookSchema = z.strictObject({
  url: urlSchema,
  events: eventsSchema,
  format: z.enum(WEBHOOK_FORMATS).default('json'),
  secret: secretSchema,
});
export type CreateWebhookBody = z.infer<typeof createWebhookSchema>;

export const updateWebhookSchema = z.strictObject({
  url: urlSchema.optional(),
  events: eventsSchema.optional(),
  format: z.enum(WEBHOOK_FORMATS).optional(),
  secret: secretSchema.optional().describe('Replaces the stored secret'),
});
export type UpdateWebhookBody = z.infer<typeof updateWebhookSchema>;

export const webhookViewSchema = z.strictObject({
  id: z.string(),
  clusterId: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  format: z.enum(WEBHOOK_FORMATS),
  secretSet: z.literal(true).describe('A secret is stored (sealed). The secret itself is never returned'),
  createdBy: z.string(),
  createdAt: instantSchema,
  updatedAt: instantSchema,
});
export type WebhookView = z.infer<typeof webhookViewSchema>;

export const webhookDeliverySchema = z.strictObject({
  id: z.string(),
  event: z.enum(WEBHOOK_EVENTS),
  idempotencyKey: z.string().describe('Sent as X-Bulkhead-Idempotency-Key: the same on every attempt of this delivery'),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).describe('pending until the receiver answers 2xx (delivered) or Bulkhead gives up (failed)'),
  attempts: z.number(),
  lastStatus: z.number().nullable().describe("The receiver's HTTP status at the last attempt; null when none came back"),
  lastError: z.string().nullable(),
  createdAt: instantSchema,
  lastAttemptAt: instantSchema.nullable(),
  finishedAt: instantSchema.nullable(),
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

export const listWebhookDeliveriesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

const clusterParams = z.strictObject({ clusterId: idParam });
const webhookParams = z.strictObject({ clusterId: idParam, webhookId: idParam });

export const webhookRoutes = {
  listWebhooks: route({
    method: 'GET',
    path: '/api/v1/clusters/:clusterId/webhooks',
    summary: "The cluster's webhook endpoints (admin); secrets are never returned",
    params: clusterParams,
    success: [200],
    response: z.array(webhookViewSchema),
  }),
  createWebhook: route({
    method: 'POST',
    path: '/api/v1/clusters/:clusterId/webhooks',
    summary: 'Sends the chosen events of the cluster to a URL, signed with HMAC-SHA256 (admin)',
    params: clusterParams,
    body: createWebhookSchema,
    success: [201],
    response: webhookViewSchema,
  }),
  updateWebhook: route({
    method: 'PATCH',
    path: '/api/v1/clusters/:clusterId/webhooks/:webhookId',
    summary: "Changes a webhook's URL, events, format or secret (admin)",
    params: webhookParams,
    body: updateWebhookSchema,
    success: [200],
    response: webhookViewSchema,
  }),
  deleteWebhook: route({
    method: 'DELETE',
    path: '/api/v1/clusters/:clusterId/webhooks/:webhookId',
    summary: 'Removes a webhook with its delivery log (admin)',
    params: webhookParams,
    success: [204],
    response: null,
  }),
  listWebhookDeliveries: route({
    method: 'GET',
    path: '/api/v1/clusters/:clusterId/webhooks/:webhookId/deliveries',
    summary: "A webhook's delivery log, newest first (admin)",
    params: webhookParams,
    query: listWebhookDeliveriesQuerySchema,
    success: [200],
    response: z.array(webhookDeliverySchema),
  }),
};
