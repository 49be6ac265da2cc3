import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ClustersController } from './clusters/clusters.controller';
import { EdgesController } from './edges/edges.controller';
import { FlowImportsController } from './flow-imports/flow-imports.controller';
import { HealthModule } from './health/health.module';
import { InventoryController } from './inventory/inventory.controller';
import { AuditInterceptor } from './http/audit.interceptor';
import { AuthGuard } from './http/auth.guard';
import { BodyReader } from './http/body';
import { PlansController } from './plans/plans.controller';
import { DriftController } from './rollouts/drift.controller';
import { RolloutsController } from './rollouts/rollouts.controller';
import { SimulateController } from './simulate/simulate.controller';
import { RUNTIME, type ApiRuntime } from './runtime';
import { storeProviders } from './stores.providers';
import { AuthController } from './access/auth.controller';
import { AuditController } from './audit/audit.controller';
import { TokensController } from './access/tokens.controller';
import { QueuesModule } from './queues/queues.module';

@Module({})
export class AppModule {
  static forRuntime(runtime: ApiRuntime): DynamicModule {
    return {
      module: AppModule,
      imports: [HealthModule.forRuntime(runtime), QueuesModule.forRuntime(runtime)],
      controllers: [AuthController, TokensController, ClustersController, InventoryController, FlowImportsController, EdgesController, SimulateController, AuditController, PlansController, RolloutsController, DriftController],
      providers: [{ provide: RUNTIME, useValue: runtime }, ...storeProviders, { provide: APP_GUARD, useClass: AuthGuard }, { provide: APP_INTERCEPTOR, useClass: BodyReader }, { provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
    };
  }
}
