import { driverFactory, SimulatedDriver } from '@bulkhead/cluster';
import { BullRolloutDispatcher } from '@bulkhead/jobs';
import { PostgresDriftStore, PostgresPlanStore, PostgresProtectionSource, PostgresRolloutStore, TypeOrmClusterStore, TypeOrmFlowImportStore, TypeOrmInventoryStore } from '@bulkhead/persistence';
import { RolloutStateCache, type RolloutDeps } from '@bulkhead/rollout';
import { UploadStorage } from '@bulkhead/platform';
import { type DynamicModule, Module } from '@nestjs/common';
import { join } from 'node:path';
import { AuditShipper } from './audit-sink/audit-shipper';
import { FlowImportHandler } from './flow-import/flow-import.handler';
import { ClusterSyncHandler } from './inventory/cluster-sync.handler';
import { DriftCheckHandler, RolloutAdvanceHandler, RolloutCommandHandler, RolloutReconcileHandler } from './rollouts/rollout.handlers';
import type { JobHandler } from './jobs/job-handler';
import { QueueConsumers } from './jobs/queue-consumers';
import { Recovery } from './recovery/recovery';
import { JOB_HANDLERS, WORKER_RUNTIME, type WorkerRuntime } from './runtime';

/**
 * The worker's composition root: each job handler gets its use case's adapters here. A new job is a
 * new handler in this list; the worker refuses to boot if any job lacks one.
 */
/** The crash tests' hook: with BULKHEAD_CRASH_AT=<point>:<n>, the worker dies by SIGKILL at the nth pass. */
function crashCheckpoint(runtime: WorkerRuntime): ((point: string) => void) | undefined {
  const crash = runtime.config.crashAt;
  if (!crash) return undefined;
  let passes = 0;
  return (point) => {
    if (point === crash.point && ++passes === crash.nth) process.kill(process.pid, 'SIGKILL');
  };
}

@Module({})
export class WorkerModule {
  static forRuntime(runtime: WorkerRuntime): DynamicModule {
    return {
      module: WorkerModule,
      providers: [
        { provide: WORKER_RUNTIME, useValue: runtime },
        {
          provide: JOB_HANDLERS,
          useFactory: (): JobHandler[] => {
            const uploads = new UploadStorage(join(runtime.config.dataDir, 'uploads'), { maxGunzipBytes: runtime.config.flows.maxGunzipBytes });
            const clock = () => new Date();
            const inventoryStore = new TypeOrmInventoryStore(runtime.db);
            const rollouts: RolloutDeps = {
              // The jobs find their commands in what this process last saw (see RolloutStateCache).
              store: new RolloutStateCache(new PostgresRolloutStore(runtime.db)),
              dispatcher: new BullRolloutDispatcher(runtime.jobs, clock),
              plans: new PostgresPlanStore(runtime.db),
              namespaceTier: (clusterId, namespace) => inventoryStore.tierOf(clusterId, namespace),
              driverFor: driverFactory({
                db: runtime.db,
                clusters: new TypeOrmClusterStore(runtime.db),
                openSecret: (sealed) => runtime.secrets.open(Buffer.from(sealed)),
                kubeconfigRules: runtime.config.clusters,
              }),
              clock,
              checkpoint: crashCheckpoint(runtime),
            };
            const drift = new PostgresDriftStore(runtime.db);
            const inventory = {
              clusters: new TypeOrmClusterStore(runtime.db),
              inventory: inventoryStore,
              simulator: { reset: async (clusterId: string, items: unknown[]) => void (await SimulatedDriver.create(runtime.db, clusterId, { items })) },
              protection: new PostgresProtectionSource(runtime.db),
              approvalTiers: runtime.config.rollout.approvalTiers,
            };
            return [
              new ClusterSyncHandler({ ...inventory, driverFor: rollouts.driverFor, clock }),
              new DriftCheckHandler({ ...rollouts, drift, clustersToCheck: () => drift.clustersToCheck() }),
              new RolloutAdvanceHandler(rollouts),
              new RolloutCommandHandler(rollouts),
              new RolloutReconcileHandler(rollouts),
              new FlowImportHandler({
                imports: new TypeOrmFlowImportStore(runtime.db),
                inventory: inventoryStore,
                files: uploads,
                clock: () => new Date(),
              }),
            ] as JobHandler[];
          },
        },
        QueueConsumers,
        AuditShipper,
        {
          provide: Recovery,
          useFactory: () => new Recovery({ runtime, rollouts: new PostgresRolloutStore(runtime.db), imports: new TypeOrmFlowImportStore(runtime.db), clusters: new TypeOrmClusterStore(runtime.db), clock: () => new Date() }),
        },
      ],
    };
  }
}
