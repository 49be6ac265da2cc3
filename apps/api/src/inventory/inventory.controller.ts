import { listWorkloadsQuerySchema, type NamespaceView, updateNamespaceSchema, type WorkloadView } from '@bulkhead/contracts';
import { importSnapshot, type InventoryDeps, requireCluster, listNamespaces, listPolicies, listWorkloads, setNamespaceTier, type SnapshotImportResult } from '@bulkhead/inventory';
import { roleAllows } from '@bulkhead/access';
import { Controller, Get, HttpCode, Inject, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { BullJobQueue } from '@bulkhead/jobs';
import { RUNTIME, type ApiRuntime } from '../runtime';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Audited } from '../http/audit.interceptor';
import { RequireRole } from '../http/auth.guard';
import { AnswerPerClusterVersion } from '../http/cluster-answers';
import { AcceptsBody, check, parseBody, UuidPipe } from '../http/body';
import type { BulkheadRequest } from '../http/request-context';
import { INVENTORY_DEPS } from '../stores.providers';

@ApiTags('inventory')
@ApiBearerAuth()
@Controller('api/v1/clusters/:clusterId')
export class InventoryController {
  private readonly jobs: BullJobQueue;

  constructor(
    @Inject(INVENTORY_DEPS) private readonly deps: InventoryDeps,
    @Inject(RUNTIME) runtime: ApiRuntime,
  ) {
    this.jobs = new BullJobQueue(runtime.queues);
  }

  /** Replaces the cluster's inventory with a `kubectl get namespaces,pods,networkpolicies -A -o json` snapshot (JSON or YAML). */
  @Put('snapshot')
  @Audited('inventory.import', (_req, r) => ({ details: { ...(r as object) } }))
  @RequireRole('operator')
  @AcceptsBody('snapshot')
  @ApiConsumes('application/json', 'application/yaml')
  @ApiBody({ schema: { type: 'object', description: 'A Kubernetes v1 List (or multi-document YAML)' } })
  snapshot(@Param('clusterId', UuidPipe) clusterId: string, @Req() req: BulkheadRequest): Promise<SnapshotImportResult> {
    // The body's bytes move to the worker thread that reads them (see WorkThreads).
    return importSnapshot(this.deps, clusterId, req.rawBody ?? new Uint8Array(), new Date());
  }

  /** Re-reads the cluster through its driver (the simulated one, or the Kubernetes API) and replaces the inventory. */
  @Post('sync')
  @HttpCode(202)
  @RequireRole('operator')
  @Audited('inventory.sync_requested')
  async sync(@Param('clusterId', UuidPipe) clusterId: string): Promise<{ queued: true }> {
    await requireCluster(this.deps.clusters, clusterId);
    await this.deps.clusters.requestSync(clusterId);
    await this.jobs.enqueue('cluster.sync', { v: 1, clusterId });
    return { queued: true };
  }

  @Get('namespaces')
  @RequireRole('viewer')
  @AnswerPerClusterVersion('cluster-and-rollouts')
  namespaces(@Param('clusterId', UuidPipe) clusterId: string): Promise<NamespaceView[]> {
    return listNamespaces(this.deps, clusterId);
  }

  @Patch('namespaces/:namespace')
  @Audited('namespace.set_tier', (req, r) => ({ target: String(req.params.namespace), details: { tier: (r as { tier: string | null }).tier } }))
  @RequireRole('operator', 'approver')
  @ApiBody({ schema: z.toJSONSchema(updateNamespaceSchema) as object })
  setTier(@Param('clusterId', UuidPipe) clusterId: string, @Param('namespace') namespace: string, @Req() req: BulkheadRequest): Promise<NamespaceView> {
    return setNamespaceTier(this.deps, clusterId, namespace, parseBody(req, updateNamespaceSchema), { mayApprove: roleAllows(req.caller!.role, 'approver') });
  }

  @Get('workloads')
  @RequireRole('viewer')
  @AnswerPerClusterVersion()
  workloads(@Param('clusterId', UuidPipe) clusterId: string, @Query() query: Record<string, unknown>): Promise<WorkloadView[]> {
    const { namespace } = check(listWorkloadsQuerySchema, query, 'query');
    return listWorkloads(this.deps, clusterId, namespace);
  }

  @Get('policies')
  @RequireRole('viewer')
  @AnswerPerClusterVersion()
  async policies(@Param('clusterId', UuidPipe) clusterId: string, @Query() query: Record<string, unknown>): Promise<unknown[]> {
    const { namespace } = check(listWorkloadsQuerySchema, query, 'query');
    return listPolicies(this.deps, clusterId, namespace);
  }
}
