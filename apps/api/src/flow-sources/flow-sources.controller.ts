import { type FlowSourceView, routes, type RouteInput } from '@bulkhead/contracts';
import {
  createFlowSource,
  deleteFlowSource,
  type FlowSourceDeps,
  getFlowSource,
  listFlowSources,
  updateFlowSource,
} from '@bulkhead/inventory';
import { Controller, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Audited } from '../http/audit.interceptor';
import { RequireRole } from '../http/auth.guard';
import { Input, Route } from '../http/contract';
import type { BulkheadRequest } from '../http/request-context';
import { FLOW_SOURCE_DEPS } from '../stores.providers';

/** The audit entry names what changed, never the TLS material itself. */
const describeSource = (req: BulkheadRequest, r: unknown) => ({
  target: (r as FlowSourceView).name,
  details: { kind: (r as FlowSourceView).kind, address: (r as FlowSourceView).address, changed: Object.keys((req.body ?? {}) as object) },
});

@ApiTags('flow sources')
@ApiBearerAuth()
@Controller()
export class FlowSourcesController {
  constructor(@Inject(FLOW_SOURCE_DEPS) private readonly deps: FlowSourceDeps) {}

  @Route(routes.listFlowSources)
  @RequireRole('viewer')
  list(@Input() { params }: RouteInput<typeof routes.listFlowSources>): Promise<FlowSourceView[]> {
    return listFlowSources(this.deps, params.clusterId);
  }

  @Route(routes.createFlowSource)
  @Audited('flow_source.create', describeSource)
  @RequireRole('operator')
  create(@Input() { params, body }: RouteInput<typeof routes.createFlowSource>): Promise<FlowSourceView> {
    return createFlowSource(this.deps, params.clusterId, body);
  }

  @Route(routes.getFlowSource)
  @RequireRole('viewer')
  get(@Input() { params }: RouteInput<typeof routes.getFlowSource>): Promise<FlowSourceView> {
    return getFlowSource(this.deps, params.clusterId, params.sourceId);
  }

  @Route(routes.updateFlowSource)
  @Audited('flow_source.update', describeSource)
  @RequireRole('operator')
  update(@Input() { params, body }: RouteInput<typeof routes.updateFlowSource>): Promise<FlowSourceView> {
    return updateFlowSource(this.deps, params.clusterId, params.sourceId, body);
  }

  @Route(routes.deleteFlowSource)
  @Audited('flow_source.delete')
  @RequireRole('operator')
  async remove(@Input() { params }: RouteInput<typeof routes.deleteFlowSource>): Promise<void> {
    await deleteFlowSource(this.deps, params.clusterId, params.sourceId);
  }
}
