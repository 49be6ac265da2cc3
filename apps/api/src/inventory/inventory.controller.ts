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
import { Controller, Inject, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { BullJobQueue } from '@bulkhead/jobs';
import { RUNTIME, type ApiRuntime } from '../runtime';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Audited } from '../http/audit.interceptor';
import { RequireRole } from '../http/auth.guard';
import { AcceptsBody } from '../http/body';
import { VERSIONED_ANSWERS, type VersionedAnswers } from '../http/versioned-answers';
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
    @Inject(VERSIONED_ANSWERS) private readonly answers: VersionedAnswers,
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
  namespaces(
    @Input() { params }: RouteInput<typeof routes.listNamespaces>,
    @Req() req: BulkheadRequest,
    @Res() res: Response,
  ): Promise<void> {
    return this.answers.send<NamespaceView[]>(req, res, 'cluster-and-rollouts', () => listNamespaces(this.deps, params.clusterId));
  }

  @Route(routes.setNamespaceTier)
  @Audited('namespace.set_tier', (req, r) => ({ target: String(req.params.namespace), details: { tier: (r as NamespaceView).tier } }))
  @RequireRole('operator', 'approver')
  setTier(@Input() { params, body }: RouteInput<typeof routes.setNamespaceTier>, @Req() req: BulkheadRequest): Promise<NamespaceView> {
    return setNamespaceTier(this.deps, params.clusterId, params.namespace, body, { mayApprove: roleAllows(req.caller!.role, 'approver') });
  }

  @Route(routes.listWorkloads)
  @RequireRole('viewer')
  workloads(
    @Input() { params, query }: RouteInput<typeof routes.listWorkloads>,
    @Req() req: BulkheadRequest,
    @Res() res: Response,
  ): Promise<void> {
    return this.answers.send<WorkloadView[]>(req, res, 'cluster', () => listWorkloads(this.deps, params.clusterId, query.namespace));
  }

  @Route(routes.listPolicies)
  @RequireRole('viewer')
  policies(
    @Input() { params, query }: RouteInput<typeof routes.listPolicies>,
    @Req() req: BulkheadRequest,
    @Res() res: Response,
  ): Promise<void> {
    return this.answers.send<RouteAnswer<typeof routes.listPolicies>>(req, res, 'cluster', () =>
      listPolicies(this.deps, params.clusterId, query.namespace),
    );
  }

  @Route(routes.listClusterPolicies)
  @RequireRole('viewer')
  clusterPolicies(
    @Input() { params }: RouteInput<typeof routes.listClusterPolicies>,
    @Req() req: BulkheadRequest,
    @Res() res: Response,
  ): Promise<void> {
    return this.answers.send<RouteAnswer<typeof routes.listClusterPolicies>>(req, res, 'cluster', () =>
      listClusterPolicies(this.deps, params.clusterId),
    );
  }
}
