import { routes, type RouteAnswer, type RouteInput, type WebhookView } from '@bulkhead/contracts';
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, updateWebhook, type WebhookDeps } from '@bulkhead/notifications';
import { Controller, Inject, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Audited } from '../http/audit.interceptor';
import { RequireRole } from '../http/auth.guard';
import { Input, Route } from '../http/contract';
import { type BulkheadRequest, callerName } from '../http/request-context';
import { WEBHOOK_DEPS } from '../stores.providers';

/**
 * What the audit log says of a webhook: its id, host, events and format. Never its secret, nor the URL's
 * path and query, which some receivers (Slack) use as a credential.
 */
const described = (webhook: WebhookView) => ({
  target: webhook.id,
  details: { host: new URL(webhook.url).host, events: webhook.events, format: webhook.format },
});

/**
 * Webhook endpoints per cluster and their delivery logs. Admin only, reads included: a webhook decides
 * where Bulkhead sends what it knows about a cluster, and its URL may be a credential.
 */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller()
export class WebhooksController {
  constructor(@Inject(WEBHOOK_DEPS) private readonly deps: WebhookDeps) {}

  @Route(routes.listWebhooks)
  @RequireRole('admin')
  list(@Input() { params }: RouteInput<typeof routes.listWebhooks>): Promise<RouteAnswer<typeof routes.listWebhooks>> {
    return listWebhooks(this.deps, params.clusterId);
  }

  @Route(routes.createWebhook)
  @RequireRole('admin')
  @Audited('webhook.create', (_req, r) => described(r as WebhookView))
  create(@Input() { params, body }: RouteInput<typeof routes.createWebhook>, @Req() req: BulkheadRequest): Promise<WebhookView> {
    return createWebhook(this.deps, params.clusterId, body, callerName(req.caller!), new Date());
  }

  @Route(routes.updateWebhook)
  @RequireRole('admin')
  // A new secret is named as changed, never shown.
  @Audited('webhook.update', (req, r) => {
    const { target, details } = described(r as WebhookView);
    return { target, details: { ...details, changed: Object.keys((req.body ?? {}) as object) } };
  })
  update(@Input() { params, body }: RouteInput<typeof routes.updateWebhook>): Promise<WebhookView> {
    return updateWebhook(this.deps, params.clusterId, params.webhookId, body, new Date());
  }

  @Route(routes.deleteWebhook)
  @RequireRole('admin')
  @Audited('webhook.delete', (req) => ({ target: String(req.params.webhookId) }))
  async remove(@Input() { params }: RouteInput<typeof routes.deleteWebhook>): Promise<void> {
    await deleteWebhook(this.deps, params.clusterId, params.webhookId);
  }

  @Route(routes.listWebhookDeliveries)
  @RequireRole('admin')
  deliveries(
    @Input() { params, query }: RouteInput<typeof routes.listWebhookDeliveries>,
  ): Promise<RouteAnswer<typeof routes.listWebhookDeliveries>> {
    return listDeliveries(this.deps, params.clusterId, params.webhookId, query.limit);
  }
}
