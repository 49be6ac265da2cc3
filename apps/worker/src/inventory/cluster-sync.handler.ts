import type { JobOutcome, JobPayloads } from '@bulkhead/contracts';
import { importSnapshot, type InventoryDeps } from '@bulkhead/inventory';
import type { ClusterDriver } from '@bulkhead/rollout';
import { z } from 'zod';
import type { JobHandler } from '../jobs/job-handler';

const payload = z.strictObject({ v: z.literal(1), clusterId: z.uuid() });

/** Reads the cluster through its driver and replaces the inventory with what it found, CNI included. */
export class ClusterSyncHandler implements JobHandler<'cluster.sync'> {
  readonly name = 'cluster.sync';

  constructor(private readonly deps: InventoryDeps & { driverFor(clusterId: string): Promise<ClusterDriver>; clock(): Date }) {}

  parse = (data: unknown): JobPayloads['cluster.sync'] => payload.parse(data);

  async isInThisDatabase(p: JobPayloads['cluster.sync']): Promise<boolean> {
    return (await this.deps.clusters.get(p.clusterId)) !== null;
  }

  async gaveUp(p: JobPayloads['cluster.sync']): Promise<void> {
    await this.deps.clusters.syncDone(p.clusterId);
  }

  async handle(p: JobPayloads['cluster.sync']): Promise<JobOutcome> {
    // Requests made from here on want a read of the cluster after this one: they stay. Which requests
    // this read answers is told by the time the database recorded, not by this worker's clock.
    const requested = await this.deps.clusters.syncRequestedAt(p.clusterId);
    const cluster = await this.deps.clusters.get(p.clusterId);
    if (!cluster) return { status: 'skipped', detail: 'the cluster was deleted meanwhile' };
    const discovery = await (await this.deps.driverFor(p.clusterId)).discover();
    if (cluster.driver === 'kubernetes' && discovery.cni !== 'unknown' && discovery.cni !== cluster.cni)
      await this.deps.clusters.update(p.clusterId, { cni: discovery.cni });
    const result = await importSnapshot(this.deps, p.clusterId, JSON.stringify(discovery.snapshot), this.deps.clock());
    if (requested) await this.deps.clusters.syncDone(p.clusterId, requested);
    return { status: 'done', detail: `${result.namespaces} namespaces, ${result.pods} pods, ${result.policies} policies` };
  }
}
