import { AppError, controlCharacterProblems } from '@bulkhead/contracts';
import { NetpolError, parseDocuments, SimulateInputError, simulate, type SimulateOutput } from '@bulkhead/netpol';
import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../http/auth.guard';
import { AcceptsBody, bodyText } from '../http/body';
import type { BulkheadRequest } from '../http/request-context';

@ApiTags('simulate')
@ApiBearerAuth()
@Controller('api/v1/simulate')
export class SimulateController {
  /** The same evaluation as `bulkhead simulate`: same body, same answer. Needs no stored cluster; its body carries a whole snapshot. */
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
  run(@Req() req: BulkheadRequest): SimulateOutput {
    try {
      const documents = parseDocuments(bodyText(req));
      if (documents.length !== 1) throw AppError.invalid('simulate.invalid', [{ field: 'body', reason: `expected one JSON or YAML document, found ${documents.length}` }]);
      const problems = controlCharacterProblems(documents[0], 'body');
      if (problems.length > 0) throw AppError.invalid('simulate.invalid', problems);
      return simulate(documents[0]);
    } catch (error) {
      if (error instanceof SimulateInputError) throw AppError.invalid('simulate.invalid', [{ field: `body.${error.field}`, reason: error.message.slice(error.field.length + 2) }]);
      if (error instanceof NetpolError) throw AppError.invalid('simulate.invalid', [{ field: 'body', reason: error.message }]);
      throw error;
    }
  }
}
