import { driverFactory, SimulatedDriver, systemResolver } from '@bulkhead/cluster';
import { observedSpansOf } from '@bulkhead/inventory';
import { BullRolloutDispatcher } from '@bulkhead/jobs';
import {
  PostgresCoverageStore,
  PostgresDriftActionStore,
  PostgresDriftStore,
  PostgresWebhookOutbox,
  PostgresPlanStore,
  PostgresProtectionSource,
  PostgresRolloutStore,
  TypeOrmClusterStore,
  TypeOrmFlowImportStore,
  TypeOrmInventoryStore,
} from '@bulkhead/persistence';
import { nextActionsNow, RolloutStateCache, type RolloutDeps } from '@bulkhead/rollout';
import { signWebhook, UploadStorage } from '@bulkhead/platform';
import { type DynamicModule, Module } from '@nestjs/common';
import { join } from 'node:path';
import { AuditShipper } from './audit-sink/audit-shipper';
import { FlowImportHandler } from './flow-import/flow-import.handler';
import { ReattributeFlowsHandler } from './flow-import/reattribute.handler';
import { ClusterSyncHandler } from './inventory/cluster-sync.handler';
import {
  DriftActionHandler,
  DriftCheckHandler,
  RolloutAdvanceHandler,
  RolloutCommandHandler,
  RolloutReconcileHandler,
} from './rollouts/rollout.handlers';
import type { JobHandler } from './jobs/job-handler';
import { QueueConsumers } from './jobs/queue-consumers';
import { httpWebhookTransport } from './notifications/http-transport';
import { OutboxRelay } from './notifications/outbox-relay';
import { WebhookDeliveryHandler } from './notifications/webhook-delivery.handler';
import { Recovery } from './recovery/recovery';
import { CollectorSupervisor } from './flow-sources/collector-supervisor';
import { COLLECTOR_HOOKS, JOB_HANDLERS, NO_HOOKS, WORKER_RUNTIME, type WorkerHooks, type WorkerRuntime } from './runtime';

/**
 * The worker's composition root: each job handler gets its use case's adapters here. A new job is a
 * new handler in this list; the worker refuses to boot if any job lacks one. `hooks` are a test's
 * (see WorkerHooks); production runs none.
 */
@Module({})
export class WorkerModule {
  static forRuntime(runtime: WorkerRuntime, hooks: WorkerHooks = NO_HOOKS): DynamicModule {
    return {
      module: WorkerModule,
      providers: [
        { provide: WORKER_RUNTIME, useValue: runtime },
        {
          provide: JOB_HANDLERS,
          useFactory: (): JobHandler[] => {
            const uploads = new UploadStorage(join(runtime.config.dataDir, 'uploads'), {
              maxGunzipBytes: runtime.config.flows.maxGunzipBytes,
            });
            const clock = () => new Date();
            const inventoryStore = new TypeOrmInventoryStore(runtime.db);
            const plans = new PostgresPlanStore(runtime.db);
            const coverage = { clusters: new TypeOrmClusterStore(runtime.db), coverage: new PostgresCoverageStore(runtime.db) };
            const rollouts: RolloutDeps = {
              // The jobs find their commands in what this process last saw (see RolloutStateCache).
              store: new RolloutStateCache(new PostgresRolloutStore(runtime.db)),
              dispatcher: new BullRolloutDispatcher(runtime.jobs, clock),
              plans,
              namespaceTier: (clusterId, namespace) => inventoryStore.tierOf(clusterId, namespace),
              recordLivePolicies: (clusterId, namespace, policies) =>
                inventoryStore.replaceNamespacePolicies(clusterId, namespace, policies),
              recordLiveClusterPolicies: (clusterId, policies) => inventoryStore.replaceClusterPolicies(clusterId, policies),
              driverFor: driverFactory({
                db: runtime.db,
                clusters: new TypeOrmClusterStore(runtime.db),
                openSecret: (sealed) => runtime.secrets.open(Buffer.from(sealed)),
                kubeconfigRules: runtime.config.clusters,
                git: {
                  cacheRoot: join(runtime.config.dataDir, 'git'),
                  rules: { allowLoopback: runtime.config.clusters.allowLoopback, allowFileUrls: runtime.config.clusters.allowGitFileUrls },
                  resolver: systemResolver,
                },
              }),
              observedSpans: (clusterId, namespaces, now) => observedSpansOf(coverage, clusterId, namespaces, now),
              clock,
              checkpoint: (point) => hooks.checkpoint(point),
            };
            const drift = new PostgresDriftStore(runtime.db);
            // A halt's actions as the API lists them: read from the database, not from this process's cache.
            const halted = { store: new PostgresRolloutStore(runtime.db), plans: new PostgresPlanStore(runtime.db) };
            const clusters = new TypeOrmClusterStore(runtime.db);
            const imports = new TypeOrmFlowImportStore(runtime.db);
            const inventory = {
              clusters,
              queue: runtime.jobs,
              inventory: inventoryStore,
              simulator: {
                reset: async (clusterId: string, items: unknown[]) => void (await SimulatedDriver.create(runtime.db, clusterId, { items })),
              },
              protection: new PostgresProtectionSource(runtime.db),
              approvalTiers: runtime.config.rollout.approvalTiers,
            };
            return [
              new ClusterSyncHandler({ ...inventory, driverFor: rollouts.driverFor, clock }),
              new DriftCheckHandler({ ...rollouts, drift, clustersToCheck: () => drift.clustersToCheck() }),
              new DriftActionHandler({ ...rollouts, drift, actions: new PostgresDriftActionStore(runtime.db), planRecords: plans }),
              new RolloutAdvanceHandler(rollouts),
              new RolloutCommandHandler(rollouts),
              new RolloutReconcileHandler(rollouts),
              new WebhookDeliveryHandler({
                outbox: new PostgresWebhookOutbox(runtime.db),
                transport: httpWebhookTransport(runtime.config.webhooks.allowLoopback),
                openSecret: (sealed) => runtime.secrets.open(Buffer.from(sealed)),
                sign: signWebhook,
                clock,
                rolloutActions: (rolloutId) => nextActionsNow(halted, rolloutId, clock()),
              }),
              new FlowImportHandler({ imports, inventory: inventoryStore, clusters, queue: runtime.jobs, files: uploads, clock }),
              new ReattributeFlowsHandler({
                imports,
                inventory: inventoryStore,
                clusters,
                clusterExists: async (clusterId) => (await clusters.get(clusterId)) !== null,
              }),
            ] as JobHandler[];
          },
        },
        QueueConsumers,
        AuditShipper,
        { provide: COLLECTOR_HOOKS, useValue: hooks },
        CollectorSupervisor,
        {
          provide: OutboxRelay,
          useFactory: () => new OutboxRelay({ runtime, outbox: new PostgresWebhookOutbox(runtime.db), clock: () => new Date() }),
        },
        {
          provide: Recovery,
          inject: [OutboxRelay],
          useFactory: (webhooks: OutboxRelay) =>
            new Recovery({
              runtime,
              rollouts: new PostgresRolloutStore(runtime.db),
              imports: new TypeOrmFlowImportStore(runtime.db),
              clusters: new TypeOrmClusterStore(runtime.db),
              driftActions: new PostgresDriftActionStore(runtime.db),
              webhooks,
              clock: () => new Date(),
            }),
        },
      ],
    };
  }
}
