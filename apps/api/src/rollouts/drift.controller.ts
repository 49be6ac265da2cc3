import type { ClusterStore } from '@bulkhead/inventory';
import { requireCluster } from '@bulkhead/inventory';
import { BullJobQueue } from '@bulkhead/jobs';
import { PostgresDriftStore } from '@bulkhead/persistence';
import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Audited } from '../http/audit.interceptor';
import { RequireRole } from '../http/auth.guard';
import { UuidPipe } from '../http/body';
import { RUNTIME, type ApiRuntime } from '../runtime';
import { CLUSTER_STORE } from '../stores.providers';

@ApiTags('rollouts')
@ApiBearerAuth()
@Controller('api/v1/clusters/:clusterId/drift-checks')
export class DriftController {
  private readonly drift: PostgresDriftStore;
  private readonly jobs: BullJobQueue;

  constructor(
    @Inject(CLUSTER_STORE) private readonly clusters: ClusterStore,
    @Inject(RUNTIME) runtime: ApiRuntime,
  ) {
    this.drift = new PostgresDriftStore(runtime.db);
    this.jobs = new BullJobQueue(runtime.queues);
  }

  /** The latest re-checks of the cluster's rolled-out namespaces: policies changed by hand, probes that changed outcome. */
  @Get()
  @RequireRole('viewer')
  async list(@Param('clusterId', UuidPipe) clusterId: string) {
    await requireCluster(this.clusters, clusterId);
    return (await this.drift.list(clusterId)).map((c) => ({ ...c, checkedAt: c.checkedAt.toISOString() }));
  }

  /** Re-checks now instead of at the next scheduled pass (every 10 minutes). */
  @Post()
  @HttpCode(202)
  @RequireRole('operator')
  @Audited('drift.check_requested')
  async check(@Param('clusterId', UuidPipe) clusterId: string) {
    await requireCluster(this.clusters, clusterId);
    await this.jobs.enqueue('cluster.drift-check', { v: 1, clusterId });
    return { queued: true };
  }
}
