import { Controller, HttpCode, Inject, Post, Req, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../http/auth.guard';
import { AcceptsBody } from '../http/body';
import type { BulkheadRequest } from '../http/request-context';
import { RUNTIME, type ApiRuntime } from '../runtime';
import { WORK_THREADS } from '../stores.providers';
import type { WorkThreads } from '../work-threads/work-threads';

@ApiTags('simulate')
@ApiBearerAuth()
@Controller('api/v1/simulate')
export class SimulateController {
  constructor(
    @Inject(WORK_THREADS) private readonly threads: WorkThreads,
    @Inject(RUNTIME) private readonly runtime: ApiRuntime,
  ) {}

  /** The same evaluation as `bulkhead simulate`: same body, same answer. Needs no stored cluster; its body carries a whole snapshot. Runs on a worker thread. */
  @Post()
  @HttpCode(200)
  @RequireRole('viewer')
  @AcceptsBody('snapshot')
  @ApiConsumes('application/json', 'application/yaml')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['snapshot', 'probes'],
      properties: {
        snapshot: { type: 'object', description: 'kubectl get namespaces,pods,networkpolicies -A -o json' },
        probes: {
          type: 'array',
          items: {
            type: 'object',
            required: ['from', 'to', 'port'],
            properties: { from: { type: 'string' }, to: { type: 'string' }, port: { oneOf: [{ type: 'integer' }, { type: 'string' }] }, protocol: { enum: ['TCP', 'UDP', 'SCTP'] } },
          },
        },
      },
    },
  })
  async run(@Req() req: BulkheadRequest): Promise<StreamableFile> {
    const answer = await this.threads.run('simulate', req.rawBody ?? new Uint8Array(), this.runtime.config.documents);
    return new StreamableFile(answer, { type: 'application/json' });
  }
}
