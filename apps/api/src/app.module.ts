import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AccessModule } from './access/access.module';
import { AuditModule } from './audit/audit.module';
import { ClustersModule } from './clusters/clusters.module';
import { EdgesModule } from './edges/edges.module';
import { FlowImportsModule } from './flow-imports/flow-imports.module';
import { FlowSourcesModule } from './flow-sources/flow-sources.module';
import { CoverageModule } from './coverage/coverage.module';
import { HealthModule } from './health/health.module';
import { AuditInterceptor } from './http/audit.interceptor';
import { AuthGuard } from './http/auth.guard';
import { BodyReader } from './http/body';
import { InventoryModule } from './inventory/inventory.module';
import { PlansModule } from './plans/plans.module';
import { QueuesModule } from './queues/queues.module';
import { RolloutsModule } from './rollouts/rollouts.module';
import { RUNTIME, type ApiRuntime } from './runtime';
import { SimulateModule } from './simulate/simulate.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { storeProviders } from './stores.providers';

const FEATURES = [
  AccessModule,
  ClustersModule,
  InventoryModule,
  FlowImportsModule,
  FlowSourcesModule,
  CoverageModule,
  EdgesModule,
  SimulateModule,
  AuditModule,
  PlansModule,
  RolloutsModule,
  WebhooksModule,
];

/**
 * The API: one module per feature folder, on the runtime and the stores this module provides to all
 * of them (global), behind one guard, one body reader and one audit interceptor.
 */
@Module({})
export class AppModule {
  static forRuntime(runtime: ApiRuntime): DynamicModule {
    const providers = [{ provide: RUNTIME, useValue: runtime }, ...storeProviders];
    return {
      module: AppModule,
      global: true,
      imports: [...FEATURES, HealthModule.forRuntime(runtime), QueuesModule.forRuntime(runtime)],
      providers: [
        ...providers,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: BodyReader },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
      ],
      exports: providers,
    };
  }
}
