import { QUEUES } from '@bulkhead/contracts';
import type { ClusterStore, FlowImportStore } from '@bulkhead/inventory';
import { claimQueuePrefix } from '@bulkhead/platform';
import { type DriftActionStore, reportStalls, type RolloutStore } from '@bulkhead/rollout';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { WorkerRuntime } from '../runtime';

/** How often each worker re-checks, from PostgreSQL, what should be happening. */
export const RECHECK_EVERY_MS = 30_000;
export const DRIFT_CHECK_EVERY_MS = 10 * 60_000;
/** The repeatable reconcile job that versions before the recovery timer left in Redis. */
export const OBSOLETE_RECONCILE_SCHEDULER = 'rollout.reconcile';

export interface RecoveryDeps {
  runtime: Pick<WorkerRuntime, 'config' | 'logger' | 'redis' | 'queues' | 'jobs' | 'identity' | 'queuePrefix'>;
  rollouts: Pick<RolloutStore, 'list' | 'recordStall'>;
  imports: Pick<FlowImportStore, 'unfinished'>;
  clusters: Pick<ClusterStore, 'syncsRequested'>;
  driftActions: Pick<DriftActionStore, 'queued'>;
  /** Asks again for pending webhook deliveries whose job is gone. */
  webhooks: { restoreStranded(): Promise<void> };
  clock(): Date;
}

/**
 * What keeps work moving whatever Redis loses. PostgreSQL holds the truth; a job only says "look now".
 * Every RECHECK_EVERY_MS, from a timer in this process (not a job in Redis, which a Redis that lost its
 * data would lose with it), at start, and each time the Redis connection comes back, the worker:
 *  - records and warns about rollouts that have stopped moving (from PostgreSQL alone);
 *  - marks the queue prefix as this database's again, re-creates the schedules (drift checks) and
 *    removes the obsolete `rollout.reconcile` schedule of older versions;
 *  - asks for a look at every active rollout (`rollout.reconcile`, one at a time however many workers);
 *  - adds again the job of every unfinished import, requested cluster sync, queued drift action and
 *    pending webhook delivery that has none waiting or running.
 * Each is tried on its own: a Redis that is down does not keep a stall from being reported.
 */
export class Recovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private pass?: Promise<void>;
  /** A pass asked for while one runs: run once more afterwards, for this reason. */
  private pending?: { reason: string; reschedule: boolean };
  private readonly reconnected = () => void this.recheck('the Redis connection is back', true);

  constructor(private readonly deps: RecoveryDeps) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.recheck('the worker started', true);
    this.timer = setInterval(() => void this.recheck('timer', false), RECHECK_EVERY_MS);
    // 'ready' fires on every connect after the first too: a Redis restarted empty is re-checked at once.
    this.deps.runtime.redis.on('ready', this.reconnected);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.deps.runtime.redis.off('ready', this.reconnected);
    await this.pass;
  }

  /** Runs a pass, or, while one runs, one more after it. */
  recheck(reason: string, reschedule: boolean): Promise<void> {
    if (this.pass) {
      this.pending = { reason, reschedule: reschedule || (this.pending?.reschedule ?? false) };
      return this.pass;
    }
    this.pass = (async () => {
      let next: typeof this.pending = { reason, reschedule };
      while (next) {
        await this.once(next.reason, next.reschedule);
        [next, this.pending] = [this.pending, undefined];
      }
    })().finally(() => (this.pass = undefined));
    return this.pass;
  }

  private async once(reason: string, reschedule: boolean): Promise<void> {
    const { runtime } = this.deps;
    const tasks: Array<[string, () => Promise<unknown>]> = [
      ['report stalled rollouts', () => this.reportStalls()],
      ['claim the queue prefix', () => claimQueuePrefix(runtime.redis, runtime.queuePrefix, runtime.identity)],
      ...(reschedule ? [['re-create the schedules', () => this.schedule()] as [string, () => Promise<unknown>]] : []),
      ['look at every active rollout', () => runtime.jobs.enqueue('rollout.reconcile', { v: 1 })],
      ['re-dispatch lost imports, syncs and drift actions', () => this.restoreUnfinished()],
      ['re-dispatch lost webhook deliveries', () => this.deps.webhooks.restoreStranded()],
    ];
    for (const [task, run] of tasks) {
      try {
        await run();
      } catch (error) {
        runtime.logger.warn('recovery task failed; the next pass tries again', {
          task,
          reason,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }

  private async reportStalls(): Promise<void> {
    for (const { rollout, stall } of await reportStalls(this.deps.rollouts, this.deps.clock(), this.deps.runtime.config.rollout.stallMs)) {
      this.deps.runtime.logger.warn('rollout stalled', {
        rolloutId: rollout.id,
        clusterId: rollout.clusterId,
        status: rollout.status,
        version: rollout.version,
        since: stall.since,
        reason: stall.reason,
      });
    }
  }

  private async schedule(): Promise<void> {
    const rollouts = this.deps.runtime.queues.get(QUEUES.rollouts)!;
    await rollouts.upsertJobScheduler(
      'cluster.drift-check',
      { every: DRIFT_CHECK_EVERY_MS },
      { name: 'cluster.drift-check', data: { v: 1 } },
    );
    // Older versions scheduled the reconcile in Redis; this process's timer asks for it now.
    await rollouts.removeJobScheduler(OBSOLETE_RECONCILE_SCHEDULER);
  }

  private async restoreUnfinished(): Promise<void> {
    const { jobs, logger } = this.deps.runtime;
    for (const importId of await this.deps.imports.unfinished()) {
      if (await jobs.restoreIfLost('flow-import.run', { v: 1, importId }))
        logger.info('re-dispatched an unfinished import that had no job', { importId });
    }
    for (const clusterId of await this.deps.clusters.syncsRequested()) {
      if (await jobs.restoreIfLost('cluster.sync', { v: 1, clusterId }))
        logger.info('re-dispatched a requested cluster sync that had no job', { clusterId });
    }
    for (const actionId of await this.deps.driftActions.queued()) {
      if (await jobs.restoreIfLost('drift.act', { v: 1, actionId }))
        logger.info('re-dispatched a queued drift action that had no job', { actionId });
    }
  }
}
