import {
  doesNotExist,
  type Page,
  type PlanDiff,
  type PlanListItem,
  type PlanReview,
  type PlanView,
  routes,
  type RouteInput,
} from '@bulkhead/contracts';
import {
  createPlan,
  diffPlan,
  listPlans,
  PlanningError,
  type PlanningDeps,
  type PlanRecord,
  planYaml,
  requirePlan,
} from '@bulkhead/planning';
import { FreshReads } from '@bulkhead/concurrency';
import { Controller, Header, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Audited } from '../http/audit.interceptor';
import { RequireRole } from '../http/auth.guard';
import { VERSIONED_ANSWERS, type VersionedAnswers } from '../http/versioned-answers';
import { Input, Route } from '../http/contract';
import { type BulkheadRequest, callerName } from '../http/request-context';
import { SerializedAnswers, sendAnswer } from '../http/serialized-answers';
import type { PageCursors } from '../http/page-cursors';
import { PAGE_CURSORS, PLANNING_DEPS } from '../stores.providers';
import { z } from 'zod';

const planPosition = z.strictObject({ version: z.number().int().min(1) });

const planView = (p: PlanRecord): PlanView => {
  const byNamespace: Record<string, string[]> = {};
  for (const policy of p.policies) (byNamespace[policy.metadata.namespace] ??= []).push(policy.metadata.name);
  return {
    id: p.id,
    clusterId: p.clusterId,
    version: p.version,
    createdBy: p.createdBy,
    createdAt: p.createdAt.toISOString(),
    summary: p.summary,
    policies: p.policies,
    byNamespace,
    report: p.report,
  };
};

/** The view less the manifests, the evidence and the replay of every edge (see planReviewSchema). */
const planReview = (p: PlanRecord): PlanReview => {
  const { policies: _manifests, ...view } = planView(p);
  const { evidence: _evidence, ...findings } = p.report.plan;
  const { edges: _replay, ...impact } = p.report.impact;
  return { ...view, report: { ...p.report, plan: findings, impact } };
};

/** Plan answers kept serialized, in characters: a plan never changes once written, and can be 0.5 MB. */
const KEPT_PLAN_ANSWERS_CHARS = 32 * 1024 * 1024;

@ApiTags('plans')
@ApiBearerAuth()
@Controller()
export class PlansController {
  private readonly answers = new SerializedAnswers(KEPT_PLAN_ANSWERS_CHARS);
  /** Whether a plan is still there, read for every request and shared by the requests that arrive together (see FreshReads). */
  private readonly existing = new FreshReads<boolean>();

  constructor(
    @Inject(PLANNING_DEPS) private readonly deps: PlanningDeps,
    @Inject(PAGE_CURSORS) private readonly cursors: PageCursors,
    @Inject(VERSIONED_ANSWERS) private readonly clusterAnswers: VersionedAnswers,
  ) {}

  @Route(routes.createPlan)
  @RequireRole('operator')
  @Audited('plan.create', (_req, r) => ({ target: `v${(r as PlanView).version}`, details: { planId: (r as PlanView).id } }))
  async create(@Input() { params, body }: RouteInput<typeof routes.createPlan>, @Req() req: BulkheadRequest): Promise<PlanView> {
    return planView(await createPlan(this.deps, params.clusterId, callerName(req.caller!), new Date(), body));
  }

  @Route(routes.listPlans)
  @RequireRole('viewer')
  list(@Input() { params, query }: RouteInput<typeof routes.listPlans>, @Req() req: BulkheadRequest, @Res() res: Response): Promise<void> {
    return this.clusterAnswers.send<Page<PlanListItem>>(req, res, 'cluster', async () => {
      const after = this.cursors.read('plans', query.cursor, planPosition);
      const page = await listPlans(this.deps, params.clusterId, { after, limit: query.limit });
      return this.cursors.page('plans', {
        items: page.items.map((p) => ({ ...p, createdAt: p.createdAt.toISOString() })),
        next: page.next,
      });
    });
  }

  @Route(routes.getPlan)
  @RequireRole('viewer')
  get(@Input() { params }: RouteInput<typeof routes.getPlan>, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.sendPlan(req, res, params.planId, 'plan', planView);
  }

  @Route(routes.planReview)
  @RequireRole('viewer')
  review(@Input() { params }: RouteInput<typeof routes.planReview>, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.sendPlan(req, res, params.planId, 'review', planReview);
  }

  /** A view of a plan, serialized once per plan: a plan never changes. */
  private async sendPlan(req: Request, res: Response, id: string, kind: string, view: (p: PlanRecord) => unknown): Promise<void> {
    // Gone with its cluster: not served from memory.
    if (!(await this.existing.read(id, () => this.deps.plans.exists(id))))
      throw new PlanningError('plan.not_found', doesNotExist('plan', id));
    await sendAnswer(req, res, await this.answers.get(`${kind}:${id}`, async () => view(await requirePlan(this.deps.plans, id))));
  }

  @Route(routes.planYaml)
  @RequireRole('viewer')
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  yaml(@Input() { params, query }: RouteInput<typeof routes.planYaml>): Promise<string> {
    return planYaml(this.deps.plans, params.planId, query.namespace);
  }

  @Route(routes.planDiff)
  @RequireRole('viewer')
  diff(@Input() { params, query }: RouteInput<typeof routes.planDiff>): Promise<PlanDiff> {
    return diffPlan(this.deps, params.planId, query.against);
  }
}
