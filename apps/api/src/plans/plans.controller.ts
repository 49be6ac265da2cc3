import { doesNotExist, type Page, type PlanDiff, type PlanListItem, type PlanView, routes, type RouteInput } from '@bulkhead/contracts';
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
import { Controller, Header, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Audited } from '../http/audit.interceptor';
import { RequireRole } from '../http/auth.guard';
import { AnswerPerVersion } from '../http/versioned-answers';
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

/** Plan answers kept serialized, in characters: a plan never changes once written, and can be 0.5 MB. */
const KEPT_PLAN_ANSWERS_CHARS = 32 * 1024 * 1024;

@ApiTags('plans')
@ApiBearerAuth()
@Controller()
export class PlansController {
  private readonly answers = new SerializedAnswers(KEPT_PLAN_ANSWERS_CHARS);

  constructor(
    @Inject(PLANNING_DEPS) private readonly deps: PlanningDeps,
    @Inject(PAGE_CURSORS) private readonly cursors: PageCursors,
  ) {}

  @Route(routes.createPlan)
  @RequireRole('operator')
  @Audited('plan.create', (_req, r) => ({ target: `v${(r as PlanView).version}`, details: { planId: (r as PlanView).id } }))
  async create(@Input() { params, body }: RouteInput<typeof routes.createPlan>, @Req() req: BulkheadRequest): Promise<PlanView> {
    return planView(await createPlan(this.deps, params.clusterId, callerName(req.caller!), new Date(), body));
  }

  @Route(routes.listPlans)
  @RequireRole('viewer')
  @AnswerPerVersion('cluster')
  async list(@Input() { params, query }: RouteInput<typeof routes.listPlans>): Promise<Page<PlanListItem>> {
    const after = this.cursors.read('plans', query.cursor, planPosition);
    const page = await listPlans(this.deps, params.clusterId, { after, limit: query.limit });
    return this.cursors.page('plans', { items: page.items.map((p) => ({ ...p, createdAt: p.createdAt.toISOString() })), next: page.next });
  }

  /** Serialized once per plan: a plan never changes. */
  @Route(routes.getPlan)
  @RequireRole('viewer')
  async get(@Input() { params }: RouteInput<typeof routes.getPlan>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const id = params.planId;
    // Gone with its cluster: not served from memory.
    if (!(await this.deps.plans.exists(id))) throw new PlanningError('plan.not_found', doesNotExist('plan', id));
    await sendAnswer(req, res, await this.answers.get(`plan:${id}`, async () => planView(await requirePlan(this.deps.plans, id))));
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
