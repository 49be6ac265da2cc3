import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { serveDashboard } from './http/dashboard';
import { guardEdge } from './http/edge';
import { AllExceptionsFilter } from './http/exception.filter';
import { exposeMetricsAndDocs } from './http/exposure';
import { logRequests } from './http/request-log.middleware';
import { NestLogger } from '@bulkhead/platform';
import type { ApiRuntime } from './runtime';
import { REFUSAL_AUDIT } from './stores.providers';

/** Builds the HTTP application on a runtime (connections already open). Used by main and by tests. */
export async function createApiApp(runtime: ApiRuntime): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRuntime(runtime), {
    bodyParser: false,
    logger: new NestLogger(runtime.logger),
  });
  app.use(logRequests(runtime.logger));
  const filter = new AllExceptionsFilter(runtime.logger, app.get(REFUSAL_AUDIT));
  app.useGlobalFilters(filter);
  app.enableShutdownHooks();
  guardEdge(app, runtime.config.http);
  await exposeMetricsAndDocs(app, runtime, filter, () =>
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Bulkhead API')
        .setDescription('Inventory, dependency map, simulation, plans and staged rollouts of zero-trust NetworkPolicy.')
        .setVersion('1')
        .addBearerAuth()
        .build(),
    ),
  );
  serveDashboard(app);
  return app;
}
