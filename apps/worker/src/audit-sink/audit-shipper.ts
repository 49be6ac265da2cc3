import { PostgresAuditSinkCursor } from '@bulkhead/persistence';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { WORKER_RUNTIME, type WorkerRuntime } from '../runtime';
import { openAuditSink } from './audit-sinks';

/** Entries per delivery. */
const BATCH = 100;
/** How often an idle shipper looks for new entries. */
const IDLE_POLL_MS = 1_000;
const RETRY = { firstMs: 500, maxMs: 60_000 };

/** The wait before the next attempt after `failures` failed deliveries in a row: doubling, capped. */
export const retryDelayMs = (failures: number) => Math.min(RETRY.maxMs, RETRY.firstMs * 2 ** (failures - 1));

/**
 * Streams the audit log to the configured sink (BULKHEAD_AUDIT_SINK), in chain order and at least
 * once, from the sink's cursor in PostgreSQL: outside every request, and in one worker at a time.
 */
@Injectable()
export class AuditShipper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(@Inject(WORKER_RUNTIME) private readonly runtime: WorkerRuntime) {}

  onApplicationBootstrap(): void {
    const target = this.runtime.config.auditSink;
    if (!target) return;
    const sink = openAuditSink(target);
    const cursor = new PostgresAuditSinkCursor(this.runtime.db);
    const log = this.runtime.logger.child({ auditSink: sink.name });
    let failures = 0;
    const ship = async () => {
      try {
        const shipped = await cursor.shipNext(sink.name, BATCH, (records) => sink.deliver(records));
        if (failures > 0) log.info('audit sink reached again', { failedAttempts: failures });
        failures = 0;
        this.schedule(ship, shipped === BATCH ? 0 : IDLE_POLL_MS);
      } catch (error) {
        failures++;
        log.warn('audit sink delivery failed; will retry', {
          attempt: failures,
          retryInMs: retryDelayMs(failures),
          error: (error as Error).message,
        });
        this.schedule(ship, retryDelayMs(failures));
      }
    };
    this.schedule(ship, 0);
  }

  private schedule(ship: () => Promise<void>, delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = ship();
    }, delayMs);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
