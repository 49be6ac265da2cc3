import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../http/auth.guard';
import { RUNTIME, type ApiRuntime } from '../runtime';

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
  constructor(@Inject(RUNTIME) private readonly runtime: ApiRuntime) {}

  /** The process is up. */
  @Get('healthz')
  @Public()
  healthz() {
    return { status: 'ok' };
  }

  /** The process can serve: PostgreSQL and Redis both answer. */
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
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  }
}
