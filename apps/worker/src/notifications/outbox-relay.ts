import type { WebhookOutbox } from '@bulkhead/notifications';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { WorkerRuntime } from '../runtime';

/** How often the outbox is looked at for new deliveries. */
const POLL_MS = 500;
/** Deliveries asked for per look. */
const BATCH = 200;
/** A pending delivery whose job was asked for longer ago than this may have lost it (Redis lost its data). */
export const STRANDED_AFTER_MS = 60_000;

export interface OutboxRelayDeps {
  runtime: Pick<WorkerRuntime, 'jobs' | 'logger' | 'config'>;
  outbox: WebhookOutbox;
  clock(): Date;
}

/**
 * Turns the outbox's new rows into delivery jobs, keyed by their idempotency keys (a job asked for twice
 * is one job), and marks them asked for. Every worker runs one; they may ask for the same delivery, which
 * changes nothing. `restoreStranded`, from the recovery timer, asks again for pending deliveries whose
 * job is gone.
 */
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(private readonly deps: OutboxRelayDeps) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.relay();
    }, delayMs);
  }

  private async relay(): Promise<void> {
    let relayed = 0;
    try {
      relayed = await this.relayOnce();
    } catch (error) {
      this.deps.runtime.logger.warn('webhook outbox relay failed; the next look tries again', { error: (error as Error).message });
    }
    this.schedule(relayed === BATCH ? 0 : POLL_MS);
  }

  /** Asks for a job for each new delivery; the number asked for. */
  async relayOnce(): Promise<number> {
    const keys = await this.deps.outbox.unqueued(BATCH);
    if (keys.length === 0) return 0;
    const attempts = this.deps.runtime.config.webhooks.attempts;
    await this.deps.runtime.jobs.enqueueMany(
      keys.map((idempotencyKey) => ({ name: 'webhook.deliver', payload: { v: 1, idempotencyKey }, attempts })),
    );
    await this.deps.outbox.markQueued(keys, this.deps.clock());
    return keys.length;
  }

  /** Asks again for the pending deliveries that have no job waiting or running. */
  async restoreStranded(): Promise<void> {
    const { jobs, logger, config } = this.deps.runtime;
    const before = new Date(this.deps.clock().getTime() - STRANDED_AFTER_MS);
    for (const idempotencyKey of await this.deps.outbox.pendingQueuedBefore(before)) {
      if (await jobs.restoreIfLost('webhook.deliver', { v: 1, idempotencyKey }, { attempts: config.webhooks.attempts }))
        logger.info('re-dispatched a pending webhook delivery that had no job', { idempotencyKey });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
