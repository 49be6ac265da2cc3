import { type CreateRolloutDeps, stalledRollouts } from '@bulkhead/rollout';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../http/auth.guard';
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
}
