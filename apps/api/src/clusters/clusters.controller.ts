import { createClusterSchema, updateClusterSchema, type ClusterView } from '@bulkhead/contracts';
import { createCluster, deleteCluster, getCluster, listClusters, updateCluster, type ClusterDeps, type ClusterStore } from '@bulkhead/inventory';
import { Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Audited } from '../http/audit.interceptor';
import { RequireRole } from '../http/auth.guard';
import { AnswerPerClusterVersion } from '../http/cluster-answers';
import { parseBody, UuidPipe } from '../http/body';
import type { BulkheadRequest } from '../http/request-context';
import { CLUSTER_DEPS } from '../stores.providers';

@ApiTags('clusters')
@ApiBearerAuth()
@Controller('api/v1/clusters')
export class ClustersController {
  constructor(@Inject(CLUSTER_DEPS) private readonly deps: ClusterDeps) {}

  private get clusters(): ClusterStore {
    return this.deps.clusters;
  }

  @Get()
  @RequireRole('viewer')
  @AnswerPerClusterVersion()
  list(): Promise<ClusterView[]> {
    return listClusters(this.clusters);
  }

  @Post()
  @Audited('cluster.create', (_req, r) => ({ clusterId: (r as { id: string }).id, target: (r as { name: string }).name }))
  // An operator registers simulated clusters; a kubeconfig (what the server connects to, and with what) needs an admin.
  @RequireRole('operator')
  @ApiBody({ schema: z.toJSONSchema(createClusterSchema, { io: 'input' }) as object })
  create(@Req() req: BulkheadRequest): Promise<ClusterView> {
    return createCluster(this.deps, parseBody(req, createClusterSchema), req.caller!);
  }

  @Get(':clusterId')
  @RequireRole('viewer')
  @AnswerPerClusterVersion()
  get(@Param('clusterId', UuidPipe) id: string): Promise<ClusterView> {
    return getCluster(this.clusters, id);
  }

  @Patch(':clusterId')
  // A new kubeconfig (credentials, server address) is its own action in the audit log, named without its content.
  @Audited('cluster.update', (req) => {
    const changed = Object.keys((req.body ?? {}) as object);
    return { ...(changed.includes('kubeconfig') ? { action: 'cluster.credentials.update' } : {}), details: { changed } };
  })
  // An operator changes name, description and CNI; the kubeconfig needs an admin (see updateCluster).
  @RequireRole('operator')
  @ApiBody({ schema: z.toJSONSchema(updateClusterSchema, { io: 'input' }) as object })
  update(@Param('clusterId', UuidPipe) id: string, @Req() req: BulkheadRequest): Promise<ClusterView> {
    return updateCluster(this.deps, id, parseBody(req, updateClusterSchema), req.caller!);
  }

  @Delete(':clusterId')
  @HttpCode(204)
  @Audited('cluster.delete')
  @RequireRole('admin')
  async remove(@Param('clusterId', UuidPipe) id: string): Promise<void> {
    await deleteCluster(this.clusters, id);
  }
}
