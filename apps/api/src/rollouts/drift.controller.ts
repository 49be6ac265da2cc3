import { type DriftActionView, type Page, routes, type RouteAnswer, type RouteInput } from '@bulkhead/contracts';
import type { ClusterStore } from '@bulkhead/inventory';
import { requireCluster } from '@bulkhead/inventory';
import { BullJobQueue } from '@bulkhead/jobs';
import { PostgresDriftActionStore, PostgresDriftStore } from '@bulkhead/persistence';
import { type DriftAction, requestDriftAction, type RolloutStore } from '@bulkhead/rollout';
import { Controller, Inject, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Audited } from '../http/audit.interceptor';
import { RequireRole } from '../http/auth.guard';
import { Input, Route } from '../http/contract';
import { newestFirstPosition, type PageCursors } from '../http/page-cursors';
import { type BulkheadRequest, callerName } from '../http/request-context';
import { RUNTIME, type ApiRuntime } from '../runtime';
import { CLUSTER_STORE, PAGE_CURSORS, ROLLOUT_STORE } from '../stores.providers';

const actionView = (a: DriftAction): DriftActionView => ({
  ...a,
  requestedAt: a.requestedAt.toISOString(),
  finishedAt: a.finishedAt?.toISOString() ?? null,
});

@ApiTags('rollouts')
@ApiBearerAuth()
@Controller()
export class DriftController {
  private readonly drift: PostgresDriftStore;
  private readonly actions: PostgresDriftActionStore;
  private readonly jobs: BullJobQueue;

  constructor(
    @Inject(CLUSTER_STORE) private readonly clusters: ClusterStore,
    @Inject(ROLLOUT_STORE) private readonly rollouts: RolloutStore,
    @Inject(PAGE_CURSORS) private readonly cursors: PageCursors,
    @Inject(RUNTIME) runtime: ApiRuntime,
  ) {
    this.drift = new PostgresDriftStore(runtime.db);
    this.actions = new PostgresDriftActionStore(runtime.db);
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

  @Route(routes.listDriftFindings)
  @RequireRole('viewer')
  async findings(
    @Input() { params, query }: RouteInput<typeof routes.listDriftFindings>,
  ): Promise<RouteAnswer<typeof routes.listDriftFindings>> {
    await requireCluster(this.clusters, params.clusterId);
    const after = this.cursors.read('drift-findings', query.cursor, newestFirstPosition);
    const page = await this.drift.findings(params.clusterId, { after, limit: query.limit });
    return this.cursors.page('drift-findings', {
      items: page.items.map((f) => ({ ...f, foundAt: f.foundAt.toISOString(), lastSeenAt: f.lastSeenAt.toISOString() })),
      next: page.next,
    });
  }

  /** Stored as queued, then carried out by a worker; asking again while it is queued answers the same action. */
  @Route(routes.requestDriftAction)
  @RequireRole('operator')
  @Audited('drift.action_requested', (_req, r) => {
    const action = r as DriftActionView;
    return { target: action.namespaces.join(','), details: { actionId: action.id, kind: action.kind } };
  })
  async act(
    @Input() { params, body }: RouteInput<typeof routes.requestDriftAction>,
    @Req() req: BulkheadRequest,
  ): Promise<DriftActionView> {
    await requireCluster(this.clusters, params.clusterId);
    const action = await requestDriftAction(
      { store: this.rollouts, drift: this.drift, actions: this.actions, clock: () => new Date() },
      params.clusterId,
      body,
      callerName(req.caller!),
    );
    await this.jobs.enqueue('drift.act', { v: 1, actionId: action.id });
    return actionView(action);
  }

  @Route(routes.listDriftActions)
  @RequireRole('viewer')
  async actionsOf(@Input() { params, query }: RouteInput<typeof routes.listDriftActions>): Promise<Page<DriftActionView>> {
    await requireCluster(this.clusters, params.clusterId);
    const after = this.cursors.read('drift-actions', query.cursor, newestFirstPosition);
    const page = await this.actions.page(params.clusterId, { after, limit: query.limit });
    return this.cursors.page('drift-actions', { items: page.items.map(actionView), next: page.next });
  }
}
