import { type CreateRolloutDeps, stalledRollouts } from '@bulkhead/rollout';
import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../http/auth.guard';
import { flowImports, flowsImported, queueDepth, registry, rollouts, rolloutsStalled, rolloutSteps } from '../http/metrics';
import { RUNTIME, type ApiRuntime } from '../runtime';
import { ROLLOUT_DEPS } from '../stores.providers';

async function timed<T>(what: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  try {
    return await Promise.race([what, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ApiRuntime,
    @Inject(ROLLOUT_DEPS) private readonly rollouts: CreateRolloutDeps,
  ) {}

  private stalled() {
    return stalledRollouts(this.rollouts.store, this.rollouts.clock(), this.runtime.config.rollout.stallMs);
  }

  /** The process is up. */
  @Get('healthz')
  @Public()
  healthz() {
    return { status: 'ok' };
  }

  /**
   * The process can serve: PostgreSQL and Redis both answer (else 503). Rollouts that have stalled are
   * listed, by id and since when, without making the answer a 503: this process can still serve, and
   * taking it out of a load balancer would hide the very pages that show the stall. The reason, which
   * names namespaces, is for signed-in callers (the rollout's page and API).
   */
  @Get('readyz')
  @Public()
  async readyz(@Res() res: Response): Promise<void> {
    const check = async (fn: () => Promise<unknown>) => {
      try {
        await timed(fn(), 2000);
        return 'ok';
      } catch (error) {
        return `failing: ${(error as Error).message}`;
      }
    };
    const checks = {
      postgres: await check(() => this.runtime.db.query('SELECT 1')),
      redis: await check(() => this.runtime.redis.ping()),
    };
    const ready = Object.values(checks).every((c) => c === 'ok');
    const stalled = checks.postgres === 'ok' ? await timed(this.stalled(), 2000).catch(() => undefined) : undefined;
    const stalledRollouts = stalled?.map(({ rollout, stall }) => ({ id: rollout.id, clusterId: rollout.clusterId, status: rollout.status, since: stall.since }));
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks, ...(stalledRollouts ? { stalledRollouts } : {}) });
  }

  @Get('metrics')
  @Public()
  @Header('Content-Type', registry.contentType)
  async metrics(): Promise<string> {
    for (const [name, queue] of this.runtime.queues) {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
      for (const [state, n] of Object.entries(counts)) queueDepth.set({ queue: name, state }, n);
    }
    const rows: Array<{ status: string; n: string; flows: string | null }> = await this.runtime.db.query(
      `SELECT status, count(*) AS n, sum((progress->>'flowsParsed')::bigint) AS flows FROM flow_imports GROUP BY status`,
    );
    flowImports.reset();
    for (const r of rows) flowImports.set({ status: r.status }, Number(r.n));
    flowsImported.set(Number(rows.find((r) => r.status === 'succeeded')?.flows ?? 0));
    const byStatus: Array<{ status: string; n: string }> = await this.runtime.db.query(`SELECT status, count(*) AS n FROM rollouts GROUP BY status`);
    rollouts.reset();
    for (const r of byStatus) rollouts.set({ status: r.status }, Number(r.n));
    const byPhase: Array<{ phase: string; n: string }> = await this.runtime.db.query(
      `SELECT s.phase, count(*) AS n FROM rollouts r JOIN rollout_steps s ON s.rollout_id = r.id
       WHERE r.status NOT IN ('completed', 'aborted', 'rolled_back', 'draft') GROUP BY 1`,
    );
    rolloutSteps.reset();
    for (const r of byPhase) rolloutSteps.set({ phase: r.phase }, Number(r.n));
    rolloutsStalled.set((await this.stalled()).length);
    return registry.metrics();
  }
}
