/** Sending one delivery of the outbox: signed, recorded attempt by attempt, retried by the caller's queue. */
import type { JobOutcome, NextAction } from '@bulkhead/contracts';
import { rolloutOf, webhookBody } from './notification';
import type { WebhookOutbox, WebhookTransport } from './ports';

export interface DeliveryDeps {
  outbox: WebhookOutbox;
  transport: WebhookTransport;
  openSecret(sealed: Uint8Array): string;
  /** The signature header's value for a body sent at `timestamp` (unix seconds). */
  sign(secret: string, timestamp: number, body: string): string;
  clock(): Date;
  /** What can be done about the rollout now: its `nextActions`, as GET /rollouts/{id} lists them (none when there is no such rollout). */
  rolloutActions(rolloutId: string): Promise<NextAction[]>;
}

/** An attempt that may succeed later (no answer, 5xx, 408, 429): the queue tries again after a back-off. */
export class DeliveryRetry extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryRetry';
  }
}

/** Statuses worth another attempt: the receiver is down, overloaded or slow, not refusing. */
const retryable = (status: number): boolean => status >= 500 || status === 408 || status === 429;

/**
 * Sends the delivery named by `idempotencyKey` once, unless it has finished. 2xx: delivered. 5xx, 408,
 * 429 or no answer: the attempt is recorded and `DeliveryRetry` thrown. Any other status (a 4xx, a
 * redirect, which is never followed): the receiver refuses it, and it is recorded as failed for good.
 * A crash before the attempt is recorded sends it again: delivered at least once, under one key.
 */
export async function deliverWebhook(deps: DeliveryDeps, idempotencyKey: string): Promise<JobOutcome> {
  const work = await deps.outbox.load(idempotencyKey);
  if (!work) return { status: 'skipped', detail: 'no such delivery: its webhook was removed' };
  if (work.status !== 'pending') return { status: 'skipped', detail: `already ${work.status}` };
  let body = work.body;
  if (body === null) {
    const offered = work.entry.event === 'rollout.halted' ? await deps.rolloutActions(rolloutOf(work.entry).id) : [];
    body = webhookBody(work.format, work.entry, idempotencyKey, offered);
    await deps.outbox.keepBody(idempotencyKey, body);
  }
  const sentAt = deps.clock();
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Bulkhead-Webhooks/1',
    'x-bulkhead-event': work.entry.event,
    'x-bulkhead-idempotency-key': idempotencyKey,
    'x-bulkhead-signature': deps.sign(deps.openSecret(work.sealedSecret), Math.floor(sentAt.getTime() / 1000), body),
  };
  let status: number;
  try {
    ({ status } = await deps.transport.post(work.url, headers, body));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await deps.outbox.recordAttempt(idempotencyKey, { status: 'pending', httpStatus: null, error: reason, at: deps.clock() });
    throw new DeliveryRetry(`webhook delivery ${idempotencyKey} got no answer: ${reason}`);
  }
  const at = deps.clock();
  if (status >= 200 && status < 300) {
    await deps.outbox.recordAttempt(idempotencyKey, { status: 'delivered', httpStatus: status, error: null, at });
    return { status: 'done', detail: `delivered (HTTP ${status})` };
  }
  if (retryable(status)) {
    await deps.outbox.recordAttempt(idempotencyKey, {
      status: 'pending',
      httpStatus: status,
      error: `the receiver answered HTTP ${status}`,
      at,
    });
    throw new DeliveryRetry(`webhook delivery ${idempotencyKey}: the receiver answered HTTP ${status}`);
  }
  const refusal = `the receiver refused it with HTTP ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}; not retried`;
  await deps.outbox.recordAttempt(idempotencyKey, { status: 'failed', httpStatus: status, error: refusal, at });
  return { status: 'done', detail: `failed: ${refusal}` };
}
