import { routes } from '@bulkhead/contracts';
import { Controller, Inject, Req, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../http/auth.guard';
import { AcceptsBody } from '../http/body';
import { Route } from '../http/contract';
import type { BulkheadRequest } from '../http/request-context';
import { RUNTIME, type ApiRuntime } from '../runtime';
import { WORK_THREADS } from '../stores.providers';
import type { WorkThreads } from '../work-threads/work-threads';

@ApiTags('simulate')
@ApiBearerAuth()
@Controller()
export class SimulateController {
  constructor(
    @Inject(WORK_THREADS) private readonly threads: WorkThreads,
    @Inject(RUNTIME) private readonly runtime: ApiRuntime,
  ) {}

  /** The same evaluation as `bulkhead simulate`: same body, same answer. Needs no stored cluster; its body carries a whole snapshot. Runs on a worker thread. */
  @Route(routes.simulate)
  @RequireRole('viewer')
  @AcceptsBody('snapshot')
  async run(@Req() req: BulkheadRequest): Promise<StreamableFile> {
    const answer = await this.threads.run('simulate', req.rawBody ?? new Uint8Array(), this.runtime.config.documents);
    return new StreamableFile(answer, { type: 'application/json' });
  }
}
