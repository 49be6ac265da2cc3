import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { serveDashboard } from './http/dashboard';
import { ControlCharacterPipe } from './http/body';
import { AllExceptionsFilter } from './http/exception.filter';
import type { ApiRuntime } from './runtime';

/** Builds the HTTP application on a runtime (connections already open). Used by main and by tests. */
export async function createApiApp(runtime: ApiRuntime): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRuntime(runtime), { bodyParser: false, logger: false });
  app.useGlobalFilters(new AllExceptionsFilter(runtime.logger));
  app.useGlobalPipes(new ControlCharacterPipe());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Bulkhead API')
      .setDescription('Inventory, dependency map, simulation, plans and staged rollouts of zero-trust NetworkPolicy.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
  serveDashboard(app);
  return app;
}
