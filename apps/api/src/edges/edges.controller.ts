import { createEdgeSchema, type EdgeView, listEdgesQuerySchema, reviewEdgeSchema } from '@bulkhead/contracts';
import { declareEdge, type EdgeDeps, listEdges, reviewEdge } from '@bulkhead/inventory';
import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { Audited } from '../http/audit.interceptor';
import { RequireRole } from '../http/auth.guard';
import { AnswerPerClusterVersion } from '../http/cluster-answers';
import { check, parseBody, UuidPipe } from '../http/body';
import { type BulkheadRequest, callerName } from '../http/request-context';
import { EDGE_DEPS } from '../stores.providers';

const edgeLabel = (r: unknown) => {
  const e = r as EdgeView;
  return `${e.from} -> ${e.to}:${e.port}/${e.protocol}`;
};

@ApiTags('dependency map')
@ApiBearerAuth()
@Controller('api/v1/clusters/:clusterId/edges')
export class EdgesController {
  constructor(@Inject(EDGE_DEPS) private readonly deps: EdgeDeps) {}

  @Get()
  @RequireRole('viewer')
  @AnswerPerClusterVersion()
  list(@Param('clusterId', UuidPipe) clusterId: string, @Query() query: Record<string, unknown>): Promise<EdgeView[]> {
    return listEdges(this.deps, clusterId, check(listEdgesQuerySchema, query, 'query'));
  }

  /** Declares a dependency by hand (201), or confirms it when the map already has it (200). */
  @Post()
  @Audited('edge.declare', (_req, r) => ({ target: edgeLabel(r), details: { comment: (r as { reviewComment: string | null }).reviewComment } }))
  @RequireRole('operator')
  @ApiBody({ schema: z.toJSONSchema(createEdgeSchema, { io: 'input' }) as object })
  async declare(@Param('clusterId', UuidPipe) clusterId: string, @Req() req: BulkheadRequest, @Res({ passthrough: true }) res: Response): Promise<EdgeView> {
    const { view, created } = await declareEdge(this.deps, clusterId, parseBody(req, createEdgeSchema), callerName(req.caller!), new Date());
    res.status(created ? 201 : 200);
    return view;
  }

  @Post(':edgeId/confirm')
  @HttpCode(200)
  @Audited('edge.confirm', (_req, r) => ({ target: edgeLabel(r), details: { comment: (r as { reviewComment: string | null }).reviewComment } }))
  @RequireRole('operator')
  @ApiBody({ schema: z.toJSONSchema(reviewEdgeSchema) as object })
  confirm(@Param('clusterId', UuidPipe) clusterId: string, @Param('edgeId', UuidPipe) edgeId: string, @Req() req: BulkheadRequest): Promise<EdgeView> {
    const { comment } = parseBody(req, reviewEdgeSchema);
    return reviewEdge(this.deps, clusterId, edgeId, 'confirmed', callerName(req.caller!), comment ?? null, new Date());
  }

  @Post(':edgeId/reject')
  @HttpCode(200)
  @Audited('edge.reject', (_req, r) => ({ target: edgeLabel(r), details: { comment: (r as { reviewComment: string | null }).reviewComment } }))
  @RequireRole('operator')
  @ApiBody({ schema: z.toJSONSchema(reviewEdgeSchema) as object })
  reject(@Param('clusterId', UuidPipe) clusterId: string, @Param('edgeId', UuidPipe) edgeId: string, @Req() req: BulkheadRequest): Promise<EdgeView> {
    const { comment } = parseBody(req, reviewEdgeSchema);
    return reviewEdge(this.deps, clusterId, edgeId, 'rejected', callerName(req.caller!), comment ?? null, new Date());
  }
}
