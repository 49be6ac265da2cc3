import {
  type NamespaceView,
  routes,
  type RouteAnswer,
  type RouteInput,
  type SnapshotImportResult,
  type WorkloadView,
} from '@bulkhead/contracts';
import {
  importSnapshot,
  type InventoryDeps,
  requireCluster,
  listClusterPolicies,
  listNamespaces,
  listPolicies,
  listWorkloads,
  setNamespaceTier,
} from '@bulkhead/inventory';
import { roleAllows } from '@bulkhead/access';
import { Controller, Inject, Req } from '@nestjs/common';
import { BullJobQueue } from '@bulkhead/jobs';
import { RUNTIME, type ApiRuntime } from '../runtime';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Audited } from '../http/audit.interceptor';
import { RequireRole } from '../http/auth.guard';
import { AcceptsBody } from '../http/body';
import { AnswerPerVersion } from '../http/versioned-answers';
import { Input, Route } from '../http/contract';
import type { BulkheadRequest } from '../http/request-context';
import { INVENTORY_DEPS } from '../stores.providers';

@ApiTags('inventory')
@ApiBearerAuth()
@Controller()
export class InventoryController {
  private readonly jobs: BullJobQueue;

  constructor(
    @Inject(INVENTORY_DEPS) private readonly deps: InventoryDeps,
    @Inject(RUNTIME) runtime: ApiRuntime,
  ) {
    this.jobs = new BullJobQueue(runtime.queues);
  }

  @Route(routes.importSnapshot)
  @Audited('inventory.import', (_req, r) => ({ details: { ...(r as object) } }))
  @RequireRole('operator')
  @AcceptsBody('snapshot')
  snapshot(@Input() { params }: RouteInput<typeof routes.importSnapshot>, @Req() req: BulkheadRequest): Promise<SnapshotImportResult> {
    // The body's bytes move to the worker thread that reads them (see WorkThreads).
    return importSnapshot(this.deps, params.clusterId, req.rawBody ?? new Uint8Array(), new Date());
  }

  @Route(routes.syncInventory)
  @RequireRole('operator')
  @Audited('inventory.sync_requested')
  async sync(@Input() { params }: RouteInput<typeof routes.syncInventory>): Promise<RouteAnswer<typeof routes.syncInventory>> {
    await requireCluster(this.deps.clusters, params.clusterId);
    await this.deps.clusters.requestSync(params.clusterId);
    await this.jobs.enqueue('cluster.sync', { v: 1, clusterId: params.clusterId });
    return { queued: true };
  }

  @Route(routes.listNamespaces)
  @RequireRole('viewer')
  @AnswerPerVersion('cluster-and-rollouts')
  namespaces(@Input() { params }: RouteInput<typeof routes.listNamespaces>): Promise<NamespaceView[]> {
    return listNamespaces(this.deps, params.clusterId);
  }

  @Route(routes.setNamespaceTier)
  @Audited('namespace.set_tier', (req, r) => ({ target: String(req.params.namespace), details: { tier: (r as NamespaceView).tier } }))
  @RequireRole('operator', 'approver')
  setTier(@Input() { params, body }: RouteInput<typeof routes.setNamespaceTier>, @Req() req: BulkheadRequest): Promise<NamespaceView> {
    return setNamespaceTier(this.deps, params.clusterId, params.namespace, body, { mayApprove: roleAllows(req.caller!.role, 'approver') });
  }

  @Route(routes.listWorkloads)
  @RequireRole('viewer')
  @AnswerPerVersion('cluster')
  workloads(@Input() { params, query }: RouteInput<typeof routes.listWorkloads>): Promise<WorkloadView[]> {
    return listWorkloads(this.deps, params.clusterId, query.namespace);
  }

  @Route(routes.listPolicies)
  @RequireRole('viewer')
  @AnswerPerVersion('cluster')
  policies(@Input() { params, query }: RouteInput<typeof routes.listPolicies>): Promise<RouteAnswer<typeof routes.listPolicies>> {
    return listPolicies(this.deps, params.clusterId, query.namespace);
  }

  @Route(routes.listClusterPolicies)
  @RequireRole('viewer')
  @AnswerPerVersion('cluster')
  clusterPolicies(
    @Input() { params }: RouteInput<typeof routes.listClusterPolicies>,
  ): Promise<RouteAnswer<typeof routes.listClusterPolicies>> {
    return listClusterPolicies(this.deps, params.clusterId);
  }
}
