import { type DynamicModule, Module } from '@nestjs/common';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { PostgresRolloutStore } from '@bulkhead/persistence';
import { RUNTIME, type ApiRuntime } from '../runtime';
import { HealthController } from './health.controller';
import { searchStalledRollouts, STALLED_ROLLOUTS } from './stalled-rollouts';

/** /healthz and /readyz through @nestjs/terminus, and the stalled-rollout search they share with /metrics. */
@Module({})
export class HealthModule {
  static forRuntime(runtime: ApiRuntime): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
      controllers: [HealthController],
      providers: [
        { provide: RUNTIME, useValue: runtime },
        {
          provide: STALLED_ROLLOUTS,
          inject: [HealthIndicatorService],
          useFactory: (indicators: HealthIndicatorService) =>
            searchStalledRollouts(indicators, new PostgresRolloutStore(runtime.db), runtime.config.rollout.stallMs),
        },
      ],
      exports: [STALLED_ROLLOUTS],
    };
  }
}
