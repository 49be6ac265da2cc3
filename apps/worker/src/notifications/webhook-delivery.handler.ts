import type { JobOutcome, JobPayloads } from '@bulkhead/contracts';
import { deliverWebhook, type DeliveryDeps } from '@bulkhead/notifications';
import { z } from 'zod';
import type { JobHandler } from '../jobs/job-handler';

const payload = z.strictObject({ v: z.literal(1), idempotencyKey: z.string().min(1).max(200) });

/** Sends one webhook delivery; the queue retries it with back-off, and its last failure is recorded as given up. */
export class WebhookDeliveryHandler implements JobHandler<'webhook.deliver'> {
  readonly name = 'webhook.deliver';

  constructor(private readonly deps: DeliveryDeps) {}

  parse = (data: unknown): JobPayloads['webhook.deliver'] => payload.parse(data);

  async isInThisDatabase(p: JobPayloads['webhook.deliver']): Promise<boolean> {
    return (await this.deps.outbox.load(p.idempotencyKey)) !== null;
  }

  async gaveUp(p: JobPayloads['webhook.deliver'], error: string): Promise<void> {
    await this.deps.outbox.giveUp(p.idempotencyKey, `given up: ${error}`, this.deps.clock());
  }

  handle(p: JobPayloads['webhook.deliver']): Promise<JobOutcome> {
    return deliverWebhook(this.deps, p.idempotencyKey);
  }
}
