import { healthRoutes } from '@bulkhead/contracts';
import { Controller, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult, HealthIndicatorService } from '@nestjs/terminus';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../http/auth.guard';
import { Route } from '../http/contract';
import { RUNTIME, type ApiRuntime } from '../runtime';
import { STALLED_ROLLOUTS, type StalledRolloutsSearch } from './stalled-rollouts';

/** How long PostgreSQL and Redis each have to answer before readyz calls them failing. */
const CHECK_TIMEOUT_MS = 2000;

/** Liveness and readiness for probes: open to anyone, and cheap (see StalledRolloutsSearch). */
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ApiRuntime,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(STALLED_ROLLOUTS) private readonly stalled: StalledRolloutsSearch,
  ) {}

  /** The process is up. */
  @Route(healthRoutes.liveness)
  @Public()
  async healthz() {
    return { status: (await this.health.check([])).status };
  }

  /**
   * The process can serve: PostgreSQL and Redis both answer (else 503). Rollouts that have stalled are
   * listed, by id and since when, without making the answer a 503: this process can still serve, and
   * taking it out of a load balancer would hide the very pages that show the stall. The reason, which
   * names namespaces, is for signed-in callers (the rollout's page and API).
   */
  @Route(healthRoutes.readiness)
  @Public()
  async readyz(@Res() res: Response): Promise<void> {
    const result = await this.health
      .check([
        () =>
          this.indicators
            .check('postgres')
            .attempt(async () => void (await this.runtime.db.query('SELECT 1')))
            .withTimeout(CHECK_TIMEOUT_MS),
        () =>
          this.indicators
            .check('redis')
            .attempt(async () => void (await this.runtime.redis.ping()))
            .withTimeout(CHECK_TIMEOUT_MS),
      ])
      .catch((failure: unknown) => {
        // Terminus answers a failing check by throwing a 503 that carries the whole result.
        if (failure instanceof ServiceUnavailableException) return failure.getResponse() as HealthCheckResult;
        throw failure;
      });
    const checks = Object.fromEntries(
      Object.entries(result.details).map(([name, { status, message }]) => [name, status === 'up' ? 'ok' : `failing: ${String(message)}`]),
    );
    const ready = result.status === 'ok';
    const stalled = checks.postgres === 'ok' ? await this.stalled.recent().catch(() => undefined) : undefined;
    const stalledRollouts = stalled?.map(({ rollout, stall }) => ({
      id: rollout.id,
      clusterId: rollout.clusterId,
      status: rollout.status,
      since: stall.since,
    }));
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks, ...(stalledRollouts ? { stalledRollouts } : {}) });
  }
}
