import { routes, type RouteAnswer, type RouteInput } from '@bulkhead/contracts';
import type { ClusterStore } from '@bulkhead/inventory';
import { requireCluster } from '@bulkhead/inventory';
import { BullJobQueue } from '@bulkhead/jobs';
import { PostgresDriftStore } from '@bulkhead/persistence';
import { Controller, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Audited } from '../http/audit.interceptor';
import { RequireRole } from '../http/auth.guard';
import { Input, Route } from '../http/contract';
import { RUNTIME, type ApiRuntime } from '../runtime';
import { CLUSTER_STORE } from '../stores.providers';

@ApiTags('rollouts')
@ApiBearerAuth()
@Controller()
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
  @Route(routes.listDriftChecks)
  @RequireRole('viewer')
  async list(@Input() { params }: RouteInput<typeof routes.listDriftChecks>): Promise<RouteAnswer<typeof routes.listDriftChecks>> {
    await requireCluster(this.clusters, params.clusterId);
    return (await this.drift.list(params.clusterId)).map((c) => ({ ...c, checkedAt: c.checkedAt.toISOString() }));
  }

  /** Re-checks now instead of at the next scheduled pass (every 10 minutes). */
  @Route(routes.checkDrift)
  @RequireRole('operator')
  @Audited('drift.check_requested')
  async check(@Input() { params }: RouteInput<typeof routes.checkDrift>): Promise<RouteAnswer<typeof routes.checkDrift>> {
    await requireCluster(this.clusters, params.clusterId);
    await this.jobs.enqueue('cluster.drift-check', { v: 1, clusterId: params.clusterId });
    return { queued: true };
  }
}
