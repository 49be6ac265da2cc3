import { systemResolver } from '@bulkhead/cluster';
import type { FlowSourceKind } from '@bulkhead/contracts';
import type { FlowCollectionStore, FlowSourceLease } from '@bulkhead/inventory';
import { PostgresFlowSourceStore, TypeOrmInventoryStore } from '@bulkhead/persistence';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { COLLECTOR_HOOKS, WORKER_RUNTIME, type WorkerHooks, type WorkerRuntime } from '../runtime';
import type { CollectorDeps, FlowStreamCollector, StreamBatch } from './flow-stream-collector';
import { GoldmaneCollector } from './goldmane-collector';
import { HubbleCollector } from './hubble-collector';
import { SimulatedCollector } from './simulated-collector';

/** The collector of each kind of source. */
const COLLECTORS: Record<
  FlowSourceKind,
  new (deps: CollectorDeps, lease: FlowSourceLease, configVersion: number) => FlowStreamCollector<StreamBatch>
> = {
  'hubble-relay': HubbleCollector,
  goldmane: GoldmaneCollector,
  simulated: SimulatedCollector,
};

/** How long a lease lasts without renewal: a dead worker's sources are taken over within this and one renewal period. */
export const LEASE_TTL_MS = 6_000;
const RENEW_MS = 2_000;

/**
 * Keeps the live flow sources collected: every RENEW_MS it takes the leases of enabled sources nobody
 * holds (or whose holder stopped renewing) and renews its own, starts a collector for each lease it
 * gained, and stops at once the collectors whose lease it no longer holds, or whose source changed.
 * A stream lasts days, so it lives here, outside the job queues; the lease in PostgreSQL makes sure one
 * worker collects a source at a time, and its epoch fences every write of a holder that lost it.
 */
@Injectable()
export class CollectorSupervisor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly store: FlowCollectionStore;
  private readonly collectors = new Map<string, FlowStreamCollector<StreamBatch>>();
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private stopping = false;

  constructor(
    @Inject(WORKER_RUNTIME) private readonly runtime: WorkerRuntime,
    @Inject(COLLECTOR_HOOKS) private readonly hooks: WorkerHooks,
  ) {
    this.store = new PostgresFlowSourceStore(runtime.db);
  }

  onApplicationBootstrap(): void {
    const tick = () => {
      this.ticking = this.tick().finally(() => (this.ticking = undefined));
    };
    tick();
    this.timer = setInterval(() => {
      if (!this.ticking) tick();
    }, RENEW_MS);
  }

  private async tick(): Promise<void> {
    let leases;
    try {
      leases = await this.store.claimLeases(this.owner, LEASE_TTL_MS);
    } catch (error) {
      // Unsure whether the leases were renewed: stop collecting rather than risk collecting past their expiry.
      this.runtime.logger.warn('could not renew flow source leases', { error: (error as Error).message });
      await this.stopAll(this.collectors.keys());
      return;
    }
    if (this.stopping) return;
    const held = new Map(leases.map((lease) => [lease.sourceId, lease]));
    const outdated = [...this.collectors].filter(([id, collector]) => {
      const lease = held.get(id);
      return !lease || lease.epoch !== collector.lease.epoch || lease.configVersion !== collector.configVersion || collector.ended;
    });
    await this.stopAll(outdated.map(([id]) => id));
    for (const lease of held.values()) {
      if (this.collectors.has(lease.sourceId)) continue;
      const deps: CollectorDeps = {
        store: this.store,
        inventory: new TypeOrmInventoryStore(this.runtime.db),
        openSecret: (sealed) => this.runtime.secrets.open(Buffer.from(sealed)),
        addressRules: { allowLoopback: this.runtime.config.clusters.allowLoopback },
        resolver: systemResolver,
        logger: this.runtime.logger,
        clock: () => new Date(),
        checkpoint: (point) => this.hooks.checkpoint(point),
      };
      const ours = { sourceId: lease.sourceId, owner: this.owner, epoch: lease.epoch };
      const collector = new COLLECTORS[lease.kind](deps, ours, lease.configVersion);
      this.collectors.set(lease.sourceId, collector);
      this.runtime.logger.info('collecting flow source', { flowSource: lease.sourceId, leaseEpoch: lease.epoch });
      collector.start();
    }
  }

  private async stopAll(ids: Iterable<string>): Promise<void> {
    await Promise.all(
      [...ids].map(async (id) => {
        const collector = this.collectors.get(id);
        this.collectors.delete(id);
        await collector?.stop();
      }),
    );
  }

  /** Writes what was received, then hands the leases back so that another worker takes over at once. */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.ticking;
    const leases = [...this.collectors.values()].map((c) => c.lease);
    await this.stopAll(this.collectors.keys());
    await Promise.all(leases.map((lease) => this.store.releaseLease(lease).catch(() => undefined)));
  }
}
