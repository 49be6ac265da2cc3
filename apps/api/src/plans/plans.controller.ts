import { AppError, identifierSchema } from '@bulkhead/contracts';
import { createPlan, diffPlan, listPlans, type PlanDiff, type PlanningDeps, planYaml, requirePlan } from '@bulkhead/planning';
import { Controller, Get, Header, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiBearerAuth, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Audited } from '../http/audit.interceptor';
import { RequireRole } from '../http/auth.guard';
import { AnswerPerClusterVersion } from '../http/cluster-answers';
import { check, UuidPipe } from '../http/body';
import { type BulkheadRequest, callerName } from '../http/request-context';
import { SerializedAnswers, sendAnswer } from '../http/serialized-answers';
import { PLANNING_DEPS } from '../stores.providers';

const yamlQuery = z.strictObject({ namespace: identifierSchema(253).optional() });
const diffQuery = z.strictObject({
  against: z.union([z.enum(['previous', 'live']), z.uuid()]).default('previous').describe('previous, live, or the id of an earlier plan'),
});

const planView = (p: Awaited<ReturnType<typeof requirePlan>>) => {
  const byNamespace: Record<string, string[]> = {};
  for (const policy of p.policies) (byNamespace[policy.metadata.namespace] ??= []).push(policy.metadata.name);
  return { id: p.id, clusterId: p.clusterId, version: p.version, createdBy: p.createdBy, createdAt: p.createdAt.toISOString(), summary: p.summary, policies: p.policies, byNamespace, report: p.report };
};

/** Plan answers kept serialized, in characters: a plan never changes once written, and can be 0.5 MB. */
const KEPT_PLAN_ANSWERS_CHARS = 32 * 1024 * 1024;

@ApiTags('plans')
@ApiBearerAuth()
@Controller('api/v1')
export class PlansController {
  private readonly answers = new SerializedAnswers(KEPT_PLAN_ANSWERS_CHARS);

  constructor(@Inject(PLANNING_DEPS) private readonly deps: PlanningDeps) {}

  /** Makes the next plan version from the cluster's inventory and dependency map as they are now. */
  @Post('clusters/:clusterId/plans')
  @HttpCode(201)
  @RequireRole('operator')
  @Audited('plan.create', (_req, r) => ({ target: `v${(r as { version: number }).version}`, details: { planId: (r as { id: string }).id } }))
  async create(@Param('clusterId', UuidPipe) clusterId: string, @Req() req: BulkheadRequest) {
    return planView(await createPlan(this.deps, clusterId, callerName(req.caller!), new Date()));
  }

  @Get('clusters/:clusterId/plans')
  @RequireRole('viewer')
  @AnswerPerClusterVersion()
  async list(@Param('clusterId', UuidPipe) clusterId: string) {
    return (await listPlans(this.deps, clusterId)).map((p) => ({ ...p, createdAt: p.createdAt.toISOString() }));
  }

  /** The plan with its policies, lint findings, evidence, the flows it would block, and blast radius before and after. */
  @Get('plans/:planId')
  @RequireRole('viewer')
  async get(@Param('planId', UuidPipe) id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!(await this.deps.plans.exists(id))) throw AppError.notFound('plan', id); // gone with its cluster: not served from memory
    await sendAnswer(req, res, await this.answers.get(`plan:${id}`, async () => planView(await requirePlan(this.deps.plans, id))));
  }

  /** `kubectl apply -f`-ready YAML, one document per policy. */
  @Get('plans/:planId/yaml')
  @RequireRole('viewer')
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  @ApiProduces('application/yaml')
  @ApiQuery({ name: 'namespace', required: false })
  yaml(@Param('planId', UuidPipe) id: string, @Query() query: Record<string, unknown>): Promise<string> {
    return planYaml(this.deps.plans, id, check(yamlQuery, query, 'query').namespace);
  }

  /** What changes against an earlier plan or the cluster's live policies: policy by policy, and connection by connection. */
  @Get('plans/:planId/diff')
  @RequireRole('viewer')
  @ApiQuery({ name: 'against', required: false, description: 'previous (default), live, or a plan id' })
  diff(@Param('planId', UuidPipe) id: string, @Query() query: Record<string, unknown>): Promise<PlanDiff> {
    return diffPlan(this.deps, id, check(diffQuery, query, 'query').against);
  }
}
