import { routes, type ClusterView, type RouteInput } from '@bulkhead/contracts';
import {
  createCluster,
  deleteCluster,
  getCluster,
  listClusters,
  updateCluster,
  type ClusterDeps,
  type ClusterStore,
} from '@bulkhead/inventory';
import { Controller, Inject, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Audited } from '../http/audit.interceptor';
import { RequireRole } from '../http/auth.guard';
import { VERSIONED_ANSWERS, type VersionedAnswers } from '../http/versioned-answers';
import { Input, Route } from '../http/contract';
import type { BulkheadRequest } from '../http/request-context';
import { CLUSTER_DEPS } from '../stores.providers';

@ApiTags('clusters')
@ApiBearerAuth()
@Controller()
export class ClustersController {
  constructor(
    @Inject(CLUSTER_DEPS) private readonly deps: ClusterDeps,
    @Inject(VERSIONED_ANSWERS) private readonly answers: VersionedAnswers,
  ) {}

  private get clusters(): ClusterStore {
    return this.deps.clusters;
  }

  @Route(routes.listClusters)
  @RequireRole('viewer')
  list(@Req() req: BulkheadRequest, @Res() res: Response): Promise<void> {
    return this.answers.send<ClusterView[]>(req, res, 'cluster', () => listClusters(this.clusters));
  }

  @Route(routes.createCluster)
  @Audited('cluster.create', (_req, r) => {
    const view = r as ClusterView;
    return { clusterId: view.id, target: view.name, details: { driver: view.driver, delivery: view.delivery } };
  })
  // An operator registers simulated clusters; a kubeconfig (what the server connects to, and with what) needs an admin.
  @RequireRole('operator')
  create(@Input() { body }: RouteInput<typeof routes.createCluster>, @Req() req: BulkheadRequest): Promise<ClusterView> {
    return createCluster(this.deps, body, req.caller!);
  }

  @Route(routes.getCluster)
  @RequireRole('viewer')
  get(@Input() { params }: RouteInput<typeof routes.getCluster>, @Req() req: BulkheadRequest, @Res() res: Response): Promise<void> {
    return this.answers.send<ClusterView>(req, res, 'cluster', () => getCluster(this.clusters, params.clusterId));
  }

  @Route(routes.updateCluster)
  // A new kubeconfig (credentials, server address) is its own action in the audit log, named without its
  // content; so is a new delivery, recorded as the answer shows it (without its credentials).
  @Audited('cluster.update', (req, r) => {
    const changed = Object.keys((req.body ?? {}) as object);
    const delivery = changed.includes('delivery') ? { delivery: (r as ClusterView).delivery } : {};
    const action = changed.includes('kubeconfig')
      ? 'cluster.credentials.update'
      : changed.includes('delivery')
        ? 'cluster.delivery.update'
        : null;
    return { ...(action ? { action } : {}), details: { changed, ...delivery } };
  })
  // An operator changes name, description and CNI; the kubeconfig and the delivery need an admin (see updateCluster).
  @RequireRole('operator')
  update(@Input() { params, body }: RouteInput<typeof routes.updateCluster>, @Req() req: BulkheadRequest): Promise<ClusterView> {
    return updateCluster(this.deps, params.clusterId, body, req.caller!);
  }

  @Route(routes.deleteCluster)
  @Audited('cluster.delete')
  @RequireRole('admin')
  async remove(@Input() { params }: RouteInput<typeof routes.deleteCluster>): Promise<void> {
    await deleteCluster(this.clusters, params.clusterId);
  }
}
