/** Configuring webhooks: per cluster, an admin's (a webhook decides where Bulkhead sends what it knows). */
import { type CreateWebhookBody, doesNotExist, type UpdateWebhookBody, type WebhookDelivery, type WebhookView } from '@bulkhead/contracts';
import { type ClusterStore, type HostResolver, requireCluster, type SecretSealer } from '@bulkhead/inventory';
import type { WebhookRecord, WebhookStore } from './ports';
import { judgeWebhookUrl, resolvedWebhookRefusal } from './webhook-url';
import { NotificationError } from './errors';

export interface WebhookDeps {
  clusters: ClusterStore;
  webhooks: WebhookStore;
  sealer: SecretSealer;
  resolver: HostResolver;
  allowLoopback: boolean;
}

const toView = (w: WebhookRecord): WebhookView => ({
  id: w.id,
  clusterId: w.clusterId,
  url: w.url,
  events: w.events,
  format: w.format,
  secretSet: true,
  createdBy: w.createdBy,
  createdAt: w.createdAt.toISOString(),
  updatedAt: w.updatedAt.toISOString(),
});

/** Refuses a URL Bulkhead must not send to, as written or as its name resolves now (the worker checks again at each attempt). */
async function checkUrl(deps: Pick<WebhookDeps, 'resolver' | 'allowLoopback'>, url: string): Promise<void> {
  const refuse = (reason: string) => new NotificationError('webhook.invalid_url', [{ field: 'url', reason }]);
  const verdict = judgeWebhookUrl(url, deps.allowLoopback);
  if ('reason' in verdict) throw refuse(verdict.reason);
  if (!verdict.host) return;
  let addresses: string[];
  try {
    addresses = await deps.resolver.resolve(verdict.host);
  } catch {
    throw refuse(`${verdict.host} could not be resolved, so its address cannot be checked`);
  }
  const reason = resolvedWebhookRefusal(verdict.host, addresses, deps.allowLoopback);
  if (reason) throw refuse(reason);
}

async function requireWebhook(deps: WebhookDeps, clusterId: string, id: string): Promise<WebhookRecord> {
  await requireCluster(deps.clusters, clusterId);
  const webhook = await deps.webhooks.get(clusterId, id);
  if (!webhook) throw new NotificationError('webhook.not_found', doesNotExist('webhook', id));
  return webhook;
}

export async function listWebhooks(deps: WebhookDeps, clusterId: string): Promise<WebhookView[]> {
  await requireCluster(deps.clusters, clusterId);
  return (await deps.webhooks.list(clusterId)).map(toView);
}

export async function createWebhook(
  deps: WebhookDeps,
  clusterId: string,
  body: CreateWebhookBody,
  by: string,
  now: Date,
): Promise<WebhookView> {
  await requireCluster(deps.clusters, clusterId);
  await checkUrl(deps, body.url);
  const created = await deps.webhooks.insert(
    { clusterId, url: body.url, events: body.events, format: body.format, createdBy: by, sealedSecret: deps.sealer.seal(body.secret) },
    now,
  );
  return toView(created);
}

export async function updateWebhook(
  deps: WebhookDeps,
  clusterId: string,
  id: string,
  body: UpdateWebhookBody,
  now: Date,
): Promise<WebhookView> {
  await requireWebhook(deps, clusterId, id);
  if (body.url !== undefined) await checkUrl(deps, body.url);
  const { secret, ...rest } = body;
  const updated = await deps.webhooks.update(
    clusterId,
    id,
    { ...rest, ...(secret ? { sealedSecret: deps.sealer.seal(secret) } : {}) },
    now,
  );
  if (!updated) throw new NotificationError('webhook.not_found', doesNotExist('webhook', id));
  return toView(updated);
}

export async function deleteWebhook(deps: WebhookDeps, clusterId: string, id: string): Promise<void> {
  await requireCluster(deps.clusters, clusterId);
  if (!(await deps.webhooks.delete(clusterId, id))) throw new NotificationError('webhook.not_found', doesNotExist('webhook', id));
}

export async function listDeliveries(deps: WebhookDeps, clusterId: string, id: string, limit: number): Promise<WebhookDelivery[]> {
  await requireWebhook(deps, clusterId, id);
  return deps.webhooks.deliveries(id, limit);
}
