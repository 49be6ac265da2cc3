import { routes, type RouteInput } from '@bulkhead/contracts';
import { type PlanningDeps, simulationInventory } from '@bulkhead/planning';
import { Controller, Inject, Req, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../http/auth.guard';
import { AcceptsBody } from '../http/body';
import { Input, Route } from '../http/contract';
import type { BulkheadRequest } from '../http/request-context';
import { RUNTIME, type ApiRuntime } from '../runtime';
import { PLANNING_DEPS, WORK_THREADS } from '../stores.providers';
import type { WorkThreads } from '../work-threads/work-threads';

@ApiTags('simulate')
@ApiBearerAuth()
@Controller()
export class SimulateController {
  constructor(
    @Inject(WORK_THREADS) private readonly threads: WorkThreads,
    @Inject(RUNTIME) private readonly runtime: ApiRuntime,
    @Inject(PLANNING_DEPS) private readonly planning: PlanningDeps,
  ) {}

  /** The same evaluation as `bulkhead simulate`: same body, same answer. Needs no stored cluster; its body carries a whole snapshot. Runs on a worker thread. */
  @Route(routes.simulate)
  @RequireRole('viewer')
  @AcceptsBody('snapshot')
  async run(@Req() req: BulkheadRequest): Promise<StreamableFile> {
    const answer = await this.threads.run('simulate', req.rawBody ?? new Uint8Array(), this.runtime.config.documents);
    return new StreamableFile(answer, { type: 'application/json' });
  }

  /** Probes against what Bulkhead knows of the cluster: its stored inventory, with its live policies or a plan's. Runs on a worker thread. */
  @Route(routes.simulateCluster)
  @RequireRole('viewer')
  async runOnCluster(@Input() { params, body }: RouteInput<typeof routes.simulateCluster>): Promise<StreamableFile> {
    const inventory = await simulationInventory(this.planning, params.clusterId, body.planId);
    const answer = await this.threads.run('simulateCluster', inventory, body.probes);
    return new StreamableFile(answer, { type: 'application/json' });
  }
}
