import type { AccessDeps, TokenStore } from '@bulkhead/access';
import type { AuditLog } from '@bulkhead/audit';
import type { Role } from '@bulkhead/contracts';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createServer, type Server } from 'node:http';
import { STALLED_ROLLOUTS, type StalledRolloutsSearch } from '../health/stalled-rollouts';
import { auditBoardChanges } from '../queues/board-audit';
import { acceptBoardCsrfHeader, offerBoardCsrfCookie } from '../queues/board-csrf';
import { QUEUE_BOARD_PATH } from '../queues/queues.module';
import type { ApiRuntime } from '../runtime';
import { ACCESS_DEPS, AUDIT_LOG, TOKEN_STORE } from '../stores.providers';
import { checkRole, identifyCaller } from './auth.guard';
import type { AllExceptionsFilter } from './exception.filter';
import { registry, scrapeMetrics } from './metrics';
import type { BulkheadRequest } from './request-context';

/**
 * What the API serves besides its routes: Prometheus metrics, the OpenAPI document with its UI, and
 * the queue board. By default metrics and docs need a token or a signed-in session, of any role: they
 * hold nothing a viewer could not list, but they tell a stranger what runs here. The queue board, which
 * retries and removes jobs, is for admins alone, its API as much as its page; a session's changes there
 * need its CSRF token like anywhere else (see board-csrf.ts), and each change is audited. /healthz and /readyz stay open (health.controller).
 */
export async function exposeMetricsAndDocs(
  app: NestExpressApplication,
  runtime: ApiRuntime,
  filter: AllExceptionsFilter,
  document: () => OpenAPIObject,
): Promise<void> {
  const requireRole = callerCheck(app.get<TokenStore>(TOKEN_STORE), app.get<AccessDeps>(ACCESS_DEPS), filter);
  const signedIn = requireRole(undefined);
  // In front of the board, which Nest mounts later, when the application starts.
  app.use(
    QUEUE_BOARD_PATH,
    acceptBoardCsrfHeader,
    requireRole('admin'),
    offerBoardCsrfCookie,
    auditBoardChanges(app.get<AuditLog>(AUDIT_LOG), runtime.logger),
  );
  const { metrics, apiDocs } = runtime.config;
  const stalled = app.get<StalledRolloutsSearch>(STALLED_ROLLOUTS);
  const scrape = () => scrapeMetrics(runtime, async () => (await stalled.recent()).length);

  if (metrics.address) {
    const server = await serveMetricsApart(runtime, metrics.address, scrape);
    app.getHttpServer().once('close', () => server.close());
  } else {
    const answer: RequestHandler = (req, res) =>
      void scrape().then(
        (text) => res.type(registry.contentType).send(text),
        (error: unknown) => filter.answer(error, req as BulkheadRequest, res),
      );
    if (metrics.access === 'authenticated') app.use('/metrics', signedIn);
    app.getHttpAdapter().getInstance().get('/metrics', answer);
  }

  if (apiDocs === 'off') return;
  if (apiDocs === 'authenticated') app.use('/api/docs', signedIn);
  // The JSON document only: Swagger's YAML copy would sit at /api/docs-yaml, outside the gate.
  SwaggerModule.setup('api/docs', app, document(), { jsonDocumentUrl: 'api/docs/openapi.json', raw: ['json'] });
}

/**
 * Lets a request through when it carries a valid token or session (a 401 otherwise) whose role allows
 * `role` (a 403 otherwise; any role will do when none is named).
 */
function callerCheck(tokens: TokenStore, access: AccessDeps, filter: AllExceptionsFilter): (role: Role | undefined) => RequestHandler {
  return (role) => (req: Request, res: Response, next: NextFunction) =>
    void identifyCaller(req as BulkheadRequest, { tokens, access }, new Date())
      .then((caller) => {
        (req as BulkheadRequest).caller = caller;
        if (role) checkRole(caller, [role]);
      })
      .then(next, (error: unknown) => filter.answer(error, req as BulkheadRequest, res));
}

/** /metrics alone on its own address (BULKHEAD_METRICS_ADDRESS), for a scraper on a private network; no token there. */
async function serveMetricsApart(
  runtime: ApiRuntime,
  address: { host: string; port: number },
  scrape: () => Promise<string>,
): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || pathOf(req.url) !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('only /metrics is served here\n');
      return;
    }
    scrape().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => {
        runtime.logger.error('metrics scrape failed', { error });
        res.writeHead(500, { 'content-type': 'text/plain' }).end('the scrape failed; see the log\n');
      },
    );
  });
  server.headersTimeout = runtime.config.http.timeouts.headersMs;
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(address.port, address.host, resolve));
  runtime.logger.info('metrics listening', { address: `${address.host}:${address.port}` });
  return server;
}

/** The path of a request target, or undefined when it is not a URL at all (`GET http://[ HTTP/1.1`): never throws. */
function pathOf(target: string | undefined): string | undefined {
  const base = 'http://metrics';
  return URL.canParse(target ?? '/', base) ? new URL(target ?? '/', base).pathname : undefined;
}
