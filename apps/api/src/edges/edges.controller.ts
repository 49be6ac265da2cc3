import { type BlockedAttemptView, type EdgeView, type Page, routes, type RouteInput } from '@bulkhead/contracts';
import { declareEdge, type EdgeDeps, listBlockedAttempts, listEdges, reviewEdge } from '@bulkhead/inventory';
import { Controller, Inject, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Audited } from '../http/audit.interceptor';
import { RequireRole } from '../http/auth.guard';
import { VERSIONED_ANSWERS, type VersionedAnswers } from '../http/versioned-answers';
import { Input, Route } from '../http/contract';
import { type BulkheadRequest, callerName } from '../http/request-context';
import type { PageCursors } from '../http/page-cursors';
import { EDGE_DEPS, PAGE_CURSORS } from '../stores.providers';
import { z } from 'zod';

const edgePosition = z.strictObject({ key: z.string() });

const edgeLabel = (r: unknown) => {
  const e = r as EdgeView;
  return `${e.from} -> ${e.to}:${e.port}/${e.protocol}`;
};
const describeReview = (_req: BulkheadRequest, r: unknown) => ({
  target: edgeLabel(r),
  details: { comment: (r as EdgeView).reviewComment },
});

@ApiTags('dependency map')
@ApiBearerAuth()
@Controller()
export class EdgesController {
  constructor(
    @Inject(EDGE_DEPS) private readonly deps: EdgeDeps,
    @Inject(PAGE_CURSORS) private readonly cursors: PageCursors,
    @Inject(VERSIONED_ANSWERS) private readonly answers: VersionedAnswers,
  ) {}

  @Route(routes.listEdges)
  @RequireRole('viewer')
  list(@Input() { params, query }: RouteInput<typeof routes.listEdges>, @Req() req: BulkheadRequest, @Res() res: Response): Promise<void> {
    return this.answers.send<Page<EdgeView>>(req, res, 'cluster', async () => {
      const { cursor, limit, ...filter } = query;
      const after = this.cursors.read('edges', cursor, edgePosition);
      return this.cursors.page('edges', await listEdges(this.deps, params.clusterId, filter, { after, limit }));
    });
  }

  @Route(routes.listBlockedAttempts)
  @RequireRole('viewer')
  blocked(
    @Input() { params, query }: RouteInput<typeof routes.listBlockedAttempts>,
    @Req() req: BulkheadRequest,
    @Res() res: Response,
  ): Promise<void> {
    return this.answers.send<Page<BlockedAttemptView>>(req, res, 'cluster', async () => {
      const { cursor, limit, ...filter } = query;
      const after = this.cursors.read('blocked-attempts', cursor, edgePosition);
      return this.cursors.page('blocked-attempts', await listBlockedAttempts(this.deps, params.clusterId, filter, { after, limit }));
    });
  }

  /** Declares a dependency by hand (201), or confirms it when the map already has it (200). */
  @Route(routes.declareEdge)
  @Audited('edge.declare', describeReview)
  @RequireRole('operator')
  async declare(
    @Input() { params, body }: RouteInput<typeof routes.declareEdge>,
    @Req() req: BulkheadRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<EdgeView> {
    const { view, created } = await declareEdge(this.deps, params.clusterId, body, callerName(req.caller!), new Date());
    res.status(created ? 201 : 200);
    return view;
  }

  @Route(routes.confirmEdge)
  @Audited('edge.confirm', describeReview)
  @RequireRole('operator')
  confirm(@Input() { params, body }: RouteInput<typeof routes.confirmEdge>, @Req() req: BulkheadRequest): Promise<EdgeView> {
    return reviewEdge(this.deps, params.clusterId, params.edgeId, 'confirmed', callerName(req.caller!), body.comment ?? null, new Date());
  }

  @Route(routes.rejectEdge)
  @Audited('edge.reject', describeReview)
  @RequireRole('operator')
  reject(@Input() { params, body }: RouteInput<typeof routes.rejectEdge>, @Req() req: BulkheadRequest): Promise<EdgeView> {
    return reviewEdge(this.deps, params.clusterId, params.edgeId, 'rejected', callerName(req.caller!), body.comment ?? null, new Date());
  }
}
